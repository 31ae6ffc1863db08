"""One refund approval per return (checkout refunds once per return id).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_refund_approvals_return_id", table_name="refund_approvals")
    op.create_unique_constraint("refund_approvals_return_id_key", "refund_approvals", ["return_id"])


def downgrade() -> None:
    op.drop_constraint("refund_approvals_return_id_key", "refund_approvals", type_="unique")
    op.create_index("ix_refund_approvals_return_id", "refund_approvals", ["return_id"])
