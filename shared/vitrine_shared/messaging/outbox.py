"""Writing events into the outbox, inside the caller's transaction."""

from collections.abc import Iterable

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from vitrine_shared.events import Envelope
from vitrine_shared.messaging.tables import OUTBOX_CHANNEL, outbox


def add_to_outbox(session: Session, envelopes: Iterable[Envelope]) -> None:
    rows = [
        {"id": envelope.id, "event_type": envelope.type, "envelope": envelope.model_dump(mode="json")}
        for envelope in envelopes
    ]
    if not rows:
        return
    session.execute(insert(outbox), rows)
    # Delivered only when the transaction commits, and folded into one per transaction: the relay
    # wakes at once instead of waiting for its next poll.
    session.execute(select(text(f"pg_notify('{OUTBOX_CHANNEL}', '')")))
