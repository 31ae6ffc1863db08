"""An index for the board: items of a stage by release time (quarantine list and its overdue).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_return_items_state_release", "return_items", ["state", "quarantined_until"])


def downgrade() -> None:
    op.drop_index("ix_return_items_state_release", table_name="return_items")
