"""Database engine and sessions: synchronous SQLAlchemy on psycopg 3.

Routes are plain `def` functions that FastAPI runs in its thread pool, so blocking database
calls never stall the event loop, and the same unit of work serves HTTP handlers, consumers and
CLIs alike.
"""

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker


def make_engine(database_url: str, *, pool_size: int = 10, application_name: str = "vitrine") -> Engine:
    return create_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=5,
        connect_args={"application_name": application_name, "connect_timeout": 5},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def libpq_url(engine: Engine) -> str:
    """The engine's URL in the form psycopg itself takes (for LISTEN connections)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def check_database(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
