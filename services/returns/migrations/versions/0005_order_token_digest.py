"""Orders remember the digest of the shopper's order token, to be found by it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("order_token_digest", sa.String(64)))


def downgrade() -> None:
    op.drop_column("orders", "order_token_digest")
