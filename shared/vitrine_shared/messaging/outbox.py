"""Writing events into the outbox, inside the caller's transaction."""

from collections.abc import Iterable

from sqlalchemy import func, insert
from sqlalchemy.orm import Session

from vitrine_shared.events import Envelope
from vitrine_shared.messaging.tables import OUTBOX_CHANNEL, outbox

# The rows and the relay's wake-up in one round trip: the rows go as one multi-row INSERT
# (SQLAlchemy's insertmanyvalues, one cached statement), and each returns a notification. One is
# delivered only when the transaction commits, and identical ones fold into one per transaction, so
# one per row costs nothing more; the relay wakes at once instead of waiting for its next poll.
_INSERT_AND_WAKE_RELAY = insert(outbox).returning(func.pg_notify(OUTBOX_CHANNEL, ""))


def add_to_outbox(session: Session, envelopes: Iterable[Envelope]) -> None:
    rows = [
        {"id": envelope.id, "event_type": envelope.type, "envelope": envelope.model_dump(mode="json")}
        for envelope in envelopes
    ]
    if not rows:
        return
    session.execute(_INSERT_AND_WAKE_RELAY, rows)
