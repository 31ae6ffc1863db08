"""The body of every service's `migrations/env.py`: online migrations against the service's own
database, with the messaging tables included in the target metadata."""

from alembic import context
from sqlalchemy import MetaData, create_engine, pool

from vitrine_shared.messaging.tables import messaging_metadata


def run_migrations(database_url: str, metadata: MetaData) -> None:
    targets = [metadata, messaging_metadata]
    if context.is_offline_mode():
        context.configure(url=database_url, target_metadata=targets, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(database_url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=targets)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
