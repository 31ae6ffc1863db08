"""Alembic operations that create the messaging tables, called from each service's first
migration so that the tables stay defined once (in `tables.py`)."""

from alembic import op

from vitrine_shared.messaging.tables import inbox, outbox


def create_messaging_tables() -> None:
    bind = op.get_bind()
    outbox.create(bind)
    inbox.create(bind)


def drop_messaging_tables() -> None:
    bind = op.get_bind()
    inbox.drop(bind)
    outbox.drop(bind)
