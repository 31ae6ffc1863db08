"""Order lines name their product's main category (catalog slug), for the events.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 0002 creates the tables from adapters/orm.py as they are now, so on a fresh database the
    # column already exists; on one created before, it is added here.
    op.add_column("order_lines", sa.Column("category", sa.String(50)), if_not_exists=True)


def downgrade() -> None:
    op.drop_column("order_lines", "category")
