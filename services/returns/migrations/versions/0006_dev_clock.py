"""The development clock's offset, one row, shared by the api and worker processes.

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
    op.create_table(
        "dev_clock",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("offset_seconds", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("changed_at", sa.DateTime(timezone=True)),
        sa.Column("changed_by", sa.String(200)),
        sa.CheckConstraint("id = 1", name="ck_dev_clock_single_row"),
        sa.CheckConstraint("offset_seconds >= 0", name="ck_dev_clock_forward_only"),
    )


def downgrade() -> None:
    op.drop_table("dev_clock")
