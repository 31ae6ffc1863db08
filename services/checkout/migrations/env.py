from checkout.adapters.orm import metadata
from checkout.config import Settings
from vitrine_shared.alembic_env import run_migrations

run_migrations(Settings().database_url, metadata)
