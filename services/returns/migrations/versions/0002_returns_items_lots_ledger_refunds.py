"""Orders as returns knows them, returns and their items, photos, sanitization lots, the hash-chained
item ledger, refund approvals and results.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "orders",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("customer_email", sa.String(length=320), nullable=False),
        sa.Column("province", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("shipping_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_number"),
    )
    op.create_table(
        "refund_results",
        sa.Column("refund_id", sa.String(length=100), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("return_id", sa.UUID(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("refund_id"),
    )
    op.create_table(
        "sanitization_lots",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("lot_code", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("operator_subject", sa.String(length=200), nullable=False),
        sa.Column("operator_initials", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lot_code"),
    )
    op.create_index("ix_lots_started", "sanitization_lots", ["started_at"], unique=False)
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("hygiene_class", sa.String(length=20), nullable=False),
        sa.Column("final_sale", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", "line_no"),
    )
    op.create_table(
        "returns",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("rma_number", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("preference", sa.String(length=20), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(length=200), nullable=True),
        sa.Column("refund_status", sa.String(length=20), nullable=True),
        sa.Column("refunded_minor", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rma_number"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_index(op.f("ix_returns_order_id"), "returns", ["order_id"], unique=False)
    op.create_table(
        "refund_approvals",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("return_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("includes_shipping", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["returns.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_refund_approvals_return_id"), "refund_approvals", ["return_id"], unique=False)
    op.create_index(
        "uq_refund_shipping_once",
        "refund_approvals",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("includes_shipping"),
    )
    op.create_table(
        "return_items",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("return_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("hygiene_class", sa.String(length=20), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("unit_refund_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("seal_declared_intact", sa.Boolean(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("grade", sa.String(length=10), nullable=True),
        sa.Column("seal_intact", sa.Boolean(), nullable=True),
        sa.Column("material", sa.String(length=20), nullable=True),
        sa.Column("quarantine_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quarantined_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lot_id", sa.UUID(), nullable=True),
        sa.Column("sanitized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_id", sa.String(length=40), nullable=True),
        sa.Column("disposition", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id", "line_no"],
            ["order_lines.order_id", "order_lines.line_no"],
        ),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("certificate_id"),
    )
    op.create_index("ix_return_items_order_line", "return_items", ["order_id", "line_no"], unique=False)
    op.create_index("ix_return_items_return", "return_items", ["return_id"], unique=False)
    op.create_index("ix_return_items_state", "return_items", ["state", "state_entered_at"], unique=False)
    op.create_table(
        "return_photos",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("return_id", sa.UUID(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_return_photos_return_id"), "return_photos", ["return_id"], unique=False)
    op.create_table(
        "item_ledger",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["return_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "seq", name="uq_item_ledger_item_seq"),
    )
    op.create_table(
        "lot_items",
        sa.Column("lot_id", sa.UUID(), nullable=False),
        sa.Column("item_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["return_items.id"],
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["sanitization_lots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lot_id", "item_id"),
    )
    op.create_table(
        "refund_approval_items",
        sa.Column("item_id", sa.UUID(), nullable=False),
        sa.Column("approval_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["refund_approvals.id"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["return_items.id"],
        ),
        sa.PrimaryKeyConstraint("item_id"),
    )
    op.create_index(
        op.f("ix_refund_approval_items_approval_id"), "refund_approval_items", ["approval_id"], unique=False
    )


def downgrade() -> None:

    op.drop_index(op.f("ix_refund_approval_items_approval_id"), table_name="refund_approval_items")
    op.drop_table("refund_approval_items")
    op.drop_table("lot_items")
    op.drop_table("item_ledger")
    op.drop_index(op.f("ix_return_photos_return_id"), table_name="return_photos")
    op.drop_table("return_photos")
    op.drop_index("ix_return_items_state", table_name="return_items")
    op.drop_index("ix_return_items_return", table_name="return_items")
    op.drop_index("ix_return_items_order_line", table_name="return_items")
    op.drop_table("return_items")
    op.drop_index(
        "uq_refund_shipping_once", table_name="refund_approvals", postgresql_where=sa.text("includes_shipping")
    )
    op.drop_index(op.f("ix_refund_approvals_return_id"), table_name="refund_approvals")
    op.drop_table("refund_approvals")
    op.drop_index(op.f("ix_returns_order_id"), table_name="returns")
    op.drop_table("returns")
    op.drop_table("order_lines")
    op.drop_index("ix_lots_started", table_name="sanitization_lots")
    op.drop_table("sanitization_lots")
    op.drop_table("refund_results")
    op.drop_table("orders")
