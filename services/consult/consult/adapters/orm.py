"""Tables of the consult database, mapped onto the domain classes (imperative mapping keeps the
domain free of SQLAlchemy)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import registry

from consult.domain.model import Advisor, Booking
from consult.domain.session import CallSession, QueueEntry

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

advisors = Table(
    "advisors",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("staff_id", UUID(as_uuid=True), unique=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("languages", ARRAY(String(2)), nullable=False),
    Column("skills", ARRAY(String(50)), nullable=False),
    Column("store", String(100), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("weekly_hours", JSONB, nullable=False),
    Column("date_overrides", JSONB, nullable=False),
    Column("slot_minutes", SmallInteger, nullable=False),
    Column("buffer_minutes", SmallInteger, nullable=False),
    Column("max_per_day", SmallInteger, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("last_booked_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The exclusion constraint "no two confirmed bookings of one advisor overlap (buffer included)"
# lives in migration 0002 (it needs btree_gist); the booking code also locks the advisor rows.
bookings = Table(
    "bookings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("advisor_id", UUID(as_uuid=True), ForeignKey("advisors.id"), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("language", String(2), nullable=False),
    Column("category", String(50)),
    Column("store", String(100)),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("buffer_until", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),
    Column("cancel_reason", String(200)),
    Column("shopper_name", String(200), nullable=False),
    Column("shopper_email", String(320), nullable=False),
    Column("shopper_phone", String(30)),
    Column("shopper_time_zone", String(64), nullable=False),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("sequence", Integer, nullable=False),
    Column("reminder_published_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_bookings_advisor_start", "advisor_id", "starts_at"),
    Index(
        "ix_bookings_reminders", "starts_at", postgresql_where="status = 'confirmed' AND reminder_published_at IS NULL"
    ),
)

sent_emails = Table(
    "sent_emails",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("booking_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("message_id", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

queue_entries = Table(
    "queue_entries",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("language", String(2), nullable=False),
    Column("category", String(50)),
    Column("mode", String(10), nullable=False),
    Column("shopper_name", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("advisor_id", UUID(as_uuid=True)),
    Column("session_id", UUID(as_uuid=True)),
    Column("joined_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("claimed_at", DateTime(timezone=True)),
    Index("ix_queue_waiting", "joined_at", postgresql_where="status = 'waiting'"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("advisor_id", UUID(as_uuid=True), ForeignKey("advisors.id"), nullable=False),
    Column("booking_id", UUID(as_uuid=True), unique=True),
    Column("queue_entry_id", UUID(as_uuid=True), unique=True),
    Column("shopper_token_digest", String(64), nullable=False),
    Column("owner_instance", String(200), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("topology", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("shopper_connection", String(100)),
    Column("advisor_connection", String(100)),
    Column("started_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", String(100)),
    Column("recording_consent_shopper", Boolean, nullable=False),
    Column("recording_consent_advisor", Boolean, nullable=False),
    Column("cart_id", UUID(as_uuid=True)),
    Column("rating", SmallInteger),
    Column("rating_comment", String(2000)),
    Column("guest_kind", String(12)),
    Column("guest_connection", String(100)),
    Column("guest_token_digest", String(64)),
    Column("p2p_connected_at", DateTime(timezone=True)),
    Column("relay_reason", String(40)),
    Column("recording_started_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

recordings = Table(
    "recordings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("session_id", UUID(as_uuid=True), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("participant", String(10), nullable=False),
    Column("path", Text, nullable=False),
    Column("instance", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# The signaling log: every message a participant sends, in order, so a socket that dropped
# replays what it missed, and any instance can serve any participant of a peer-to-peer call.
signal_messages = Table(
    "signal_messages",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", UUID(as_uuid=True), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("sender", String(10), nullable=False),
    Column("recipient", String(10), nullable=False),
    Column("type", String(20), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_signal_session_recipient", "session_id", "recipient", "seq"),
)

shared_products = Table(
    "shared_products",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("session_id", UUID(as_uuid=True), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("product_id", UUID(as_uuid=True), nullable=False),
    Column("added_to_cart", Boolean, nullable=False, server_default="false"),
    Column("shared_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# One row per paid order that came out of a call: conversion per session and per advisor.
attributions = Table(
    "attributions",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("order_number", String(40), nullable=False),
    Column("session_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("advisor_id", UUID(as_uuid=True)),
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
)

session_notes = Table(
    "session_notes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("session_id", UUID(as_uuid=True), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("author", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("tags", ARRAY(String(40)), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def start_mappers() -> None:
    if not mapper_registry.mappers:
        mapper_registry.map_imperatively(Advisor, advisors)
        mapper_registry.map_imperatively(Booking, bookings)
        mapper_registry.map_imperatively(QueueEntry, queue_entries)
        mapper_registry.map_imperatively(CallSession, sessions)
