"""A third participant per call (a supervisor, or a companion the shopper invited).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("guest_kind", sa.String(12)))
    op.add_column("sessions", sa.Column("guest_connection", sa.String(100)))
    op.add_column("sessions", sa.Column("guest_token_digest", sa.String(64)))


def downgrade() -> None:
    op.drop_column("sessions", "guest_token_digest")
    op.drop_column("sessions", "guest_connection")
    op.drop_column("sessions", "guest_kind")
