"""Writing events into the outbox, inside the caller's transaction."""

from collections.abc import Iterable

from sqlalchemy import func, insert
from sqlalchemy.orm import Session

from vitrine_shared.events import Envelope
from vitrine_shared.messaging.tables import OUTBOX_CHANNEL, outbox

ROWS_PER_STATEMENT = 1000


def add_to_outbox(session: Session, envelopes: Iterable[Envelope]) -> None:
    rows = [
        {"id": envelope.id, "event_type": envelope.type, "envelope": envelope.model_dump(mode="json")}
        for envelope in envelopes
    ]
    if not rows:
        return
    # The rows and the relay's wake-up in one round trip. A notification is delivered only when the
    # transaction commits, and identical ones are folded into one per transaction, so one per row
    # costs nothing more; the relay wakes at once instead of waiting for its next poll.
    # Chunked: one statement carries at most 65,535 parameters.
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        session.execute(insert(outbox).values(chunk).returning(func.pg_notify(OUTBOX_CHANNEL, "")))
