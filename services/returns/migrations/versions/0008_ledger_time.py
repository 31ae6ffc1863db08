"""Ledger entries carry their time (the service's clock, as in their body) in a column, indexed,
for the board's throughput series (one date_trunc range query).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing entries get their insertion time: their body may be anything (a tampering test
    # edits it), and the two differ only for entries written while a development clock ran ahead.
    # The default also keeps a process still running the previous code writing.
    op.add_column(
        "item_ledger", sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()"))
    )
    op.execute("UPDATE item_ledger SET at = recorded_at")
    op.create_index("ix_item_ledger_at_kind", "item_ledger", ["at", "kind"])


def downgrade() -> None:
    op.drop_index("ix_item_ledger_at_kind", table_name="item_ledger")
    op.drop_column("item_ledger", "at")
