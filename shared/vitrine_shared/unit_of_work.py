"""The unit of work: one database transaction, and the integration events raised inside it.

Events are written to the outbox in the same transaction as the state change (never published
directly), so a crash loses neither or both. Services subclass it to attach their repositories.
"""

from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from vitrine_shared.context import current_correlation_id, new_correlation_id
from vitrine_shared.events import Envelope, EventData
from vitrine_shared.messaging.outbox import add_to_outbox


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], *, producer: str) -> None:
        self._session_factory = session_factory
        self.producer = producer
        self.causation_id: str | None = None
        self._pending: list[Envelope] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self._pending = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Objects read in this unit of work stay readable after it ends (a rollback would expire
        # them); anything not committed is still discarded.
        self.session.expunge_all()
        self.rollback()
        self.session.close()

    def publish(self, data: EventData) -> Envelope:
        """Raise an integration event; it leaves through the outbox when the transaction commits."""
        envelope = Envelope.wrap(
            data,
            producer=self.producer,
            correlation_id=current_correlation_id() or new_correlation_id(),
            causation_id=self.causation_id,
        )
        self._pending.append(envelope)
        return envelope

    def commit(self) -> None:
        add_to_outbox(self.session, self._pending)
        self.session.commit()
        self._pending = []

    def rollback(self) -> None:
        self._pending = []
        self.session.rollback()
