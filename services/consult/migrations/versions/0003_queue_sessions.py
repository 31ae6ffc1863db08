"""The instant queue, live sessions and their signaling log.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_entries",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("token_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("category", sa.String(50)),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("shopper_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("advisor_id", postgresql.UUID(as_uuid=True)),
        sa.Column("session_id", postgresql.UUID(as_uuid=True)),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('waiting', 'claimed', 'left')", name="ck_queue_status"),
    )
    op.create_index("ix_queue_waiting", "queue_entries", ["joined_at"], postgresql_where=sa.text("status = 'waiting'"))
    op.create_table(
        "sessions",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("advisor_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("advisors.id"), nullable=False),
        sa.Column("booking_id", postgresql.UUID(as_uuid=True), unique=True),
        sa.Column("queue_entry_id", postgresql.UUID(as_uuid=True), unique=True),
        sa.Column("shopper_token_digest", sa.String(64), nullable=False),
        sa.Column("owner_instance", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("topology", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("shopper_connection", sa.String(100)),
        sa.Column("advisor_connection", sa.String(100)),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.String(100)),
        sa.Column("recording_consent_shopper", sa.Boolean, nullable=False),
        sa.Column("recording_consent_advisor", sa.Boolean, nullable=False),
        sa.Column("cart_id", postgresql.UUID(as_uuid=True)),
        sa.Column("rating", sa.SmallInteger),
        sa.Column("rating_comment", sa.String(2000)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('waiting', 'active', 'ended')", name="ck_sessions_status"),
        sa.CheckConstraint("topology IN ('p2p', 'relay')", name="ck_sessions_topology"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_sessions_rating"),
    )
    op.create_table(
        "signal_messages",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "session_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sender", sa.String(10), nullable=False),
        sa.Column("recipient", sa.String(10), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("payload", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_signal_session_recipient", "signal_messages", ["session_id", "recipient", "seq"])


def downgrade() -> None:
    op.drop_table("signal_messages")
    op.drop_table("sessions")
    op.drop_table("queue_entries")
