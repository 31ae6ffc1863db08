"""Tables of the identity database, mapped onto the domain classes (imperative mapping keeps the
domain free of SQLAlchemy)."""

from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import registry

from identity.domain.model import StaffMember

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

staff_members = Table(
    "staff_members",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("roles", ARRAY(String(20)), nullable=False),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_login_at", DateTime(timezone=True)),
)


def start_mappers() -> None:
    if not mapper_registry.mappers:
        mapper_registry.map_imperatively(StaffMember, staff_members)
