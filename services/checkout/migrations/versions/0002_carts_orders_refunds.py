"""Carts, orders, refunds and received Stripe events.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from checkout.adapters.orm import cart_lines, carts, order_lines, orders, refunds, stripe_events

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The tables are defined once, in adapters/orm.py; this revision creates them as they are there.
TABLES = [carts, cart_lines, orders, order_lines, refunds, stripe_events]


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
