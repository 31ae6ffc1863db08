"""Order lines keep their product's main category (from `checkout.order.paid`, when it carries it).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: orders paid before checkout sent it have none (the board falls back to the
    # hygiene class for them).
    op.add_column("order_lines", sa.Column("category", sa.String(100)))


def downgrade() -> None:
    op.drop_column("order_lines", "category")
