"""The indexer takes queued products in version order.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_search_pending_version", "search_pending", ["version"])


def downgrade() -> None:
    op.drop_index("ix_search_pending_version", table_name="search_pending")
