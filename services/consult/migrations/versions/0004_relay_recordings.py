"""Relay bookkeeping on sessions, and recordings.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("p2p_connected_at", sa.DateTime(timezone=True)))
    op.add_column("sessions", sa.Column("relay_reason", sa.String(40)))
    op.add_column("sessions", sa.Column("recording_started_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_sessions_relayed",
        "sessions",
        ["owner_instance"],
        postgresql_where=sa.text("topology = 'relay' AND status <> 'ended'"),
    )
    op.create_table(
        "recordings",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "session_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("participant", sa.String(10), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("instance", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_recordings_session", "recordings", ["session_id"])
    op.create_index("ix_recordings_expiry", "recordings", ["expires_at"])


def downgrade() -> None:
    op.drop_table("recordings")
    op.drop_index("ix_sessions_relayed", "sessions")
    op.drop_column("sessions", "recording_started_at")
    op.drop_column("sessions", "relay_reason")
    op.drop_column("sessions", "p2p_connected_at")
