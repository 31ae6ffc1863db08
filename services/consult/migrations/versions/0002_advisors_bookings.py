"""Advisors, bookings (no overlap per advisor, enforced by an exclusion constraint), sent emails.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "advisors",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("staff_id", postgresql.UUID(as_uuid=True), unique=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.String(2)), nullable=False),
        sa.Column("skills", postgresql.ARRAY(sa.String(50)), nullable=False),
        sa.Column("store", sa.String(100), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("weekly_hours", postgresql.JSONB, nullable=False),
        sa.Column("date_overrides", postgresql.JSONB, nullable=False),
        sa.Column("slot_minutes", sa.SmallInteger, nullable=False),
        sa.Column("buffer_minutes", sa.SmallInteger, nullable=False),
        sa.Column("max_per_day", sa.SmallInteger, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("last_booked_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "bookings",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("advisor_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("advisors.id"), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("category", sa.String(50)),
        sa.Column("store", sa.String(100)),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("buffer_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("cancel_reason", sa.String(200)),
        sa.Column("shopper_name", sa.String(200), nullable=False),
        sa.Column("shopper_email", sa.String(320), nullable=False),
        sa.Column("shopper_phone", sa.String(30)),
        sa.Column("shopper_time_zone", sa.String(64), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("reminder_published_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("ends_at > starts_at AND buffer_until >= ends_at", name="ck_bookings_times"),
        sa.CheckConstraint("mode IN ('video', 'in_store', 'phone')", name="ck_bookings_mode"),
        sa.CheckConstraint("status IN ('confirmed', 'cancelled')", name="ck_bookings_status"),
    )
    op.create_index("ix_bookings_advisor_start", "bookings", ["advisor_id", "starts_at"])
    op.create_index(
        "ix_bookings_reminders",
        "bookings",
        ["starts_at"],
        postgresql_where=sa.text("status = 'confirmed' AND reminder_published_at IS NULL"),
    )
    # The last line of defence against double booking: no two confirmed bookings of one advisor
    # whose [start, end + buffer) ranges overlap.
    op.execute(
        "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
        "(advisor_id WITH =, tstzrange(starts_at, buffer_until) WITH &&) WHERE (status = 'confirmed')"
    )
    op.create_table(
        "sent_emails",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("booking_id", postgresql.UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("sent_emails")
    op.drop_table("bookings")
    op.drop_table("advisors")
