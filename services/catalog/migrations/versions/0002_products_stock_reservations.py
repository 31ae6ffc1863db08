"""Products, variants, stock adjustments, reservations, returned units, the search queue.

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

UUID = postgresql.UUID(as_uuid=True)


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=sa.func.now())


def upgrade() -> None:
    op.execute("CREATE SEQUENCE search_version_seq")
    op.create_table(
        "products",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("sku", sa.String(48), nullable=False, unique=True),
        sa.Column("name_fr", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("description_fr", sa.Text, nullable=False, server_default=""),
        sa.Column("description_en", sa.Text, nullable=False, server_default=""),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.String(50)), nullable=False, server_default="{}"),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False, server_default="CAD"),
        sa.Column("images", postgresql.JSONB, nullable=False, server_default="[]"),
        sa.Column("attributes", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("hygiene_class", sa.String(20), nullable=False, server_default="standard"),
        sa.Column("consult_available", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("final_sale", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("price_minor >= 0", name="ck_products_price"),
        sa.CheckConstraint("hygiene_class IN ('standard', 'sealed_hygiene', 'cleanable')", name="ck_products_hygiene"),
    )
    op.create_index("ix_products_categories", "products", ["categories"], postgresql_using="gin")
    op.create_table(
        "variants",
        sa.Column("sku", sa.String(48), primary_key=True),
        sa.Column("product_id", UUID, sa.ForeignKey("products.id"), nullable=False, index=True),
        sa.Column("size", sa.String(40)),
        sa.Column("colour", sa.String(40)),
        sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("on_hand >= 0", name="ck_variants_on_hand"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_variants_reserved"),
    )
    op.create_table(
        "stock_adjustments",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("variant_sku", sa.String(48), sa.ForeignKey("variants.sku"), nullable=False, index=True),
        sa.Column("delta", sa.Integer, nullable=False),
        sa.Column("on_hand_after", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        _timestamp("created_at"),
    )
    op.create_table(
        "reservations",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    )
    op.create_index(
        "ix_reservations_held_expiry", "reservations", ["expires_at"], postgresql_where=sa.text("status = 'held'")
    )
    op.create_table(
        "reservation_lines",
        sa.Column("reservation_id", UUID, sa.ForeignKey("reservations.id"), nullable=False),
        sa.Column("sku", sa.String(48), sa.ForeignKey("variants.sku"), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("reservation_id", "sku", name="pk_reservation_lines"),
        sa.CheckConstraint("quantity > 0", name="ck_reservation_lines_quantity"),
    )
    op.create_table(
        "returned_units",
        sa.Column("item_id", UUID, primary_key=True),
        sa.Column("return_id", UUID, nullable=False),
        sa.Column("variant_sku", sa.String(48), sa.ForeignKey("variants.sku"), nullable=False, index=True),
        sa.Column("certificate_id", sa.String(200), nullable=False),
        sa.Column("sanitized_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        _timestamp("restocked_at"),
    )
    op.create_table(
        "search_pending",
        sa.Column("product_id", UUID, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        _timestamp("queued_at"),
    )


def downgrade() -> None:
    for table in (
        "search_pending",
        "returned_units",
        "reservation_lines",
        "reservations",
        "stock_adjustments",
        "variants",
        "products",
    ):
        op.drop_table(table)
    op.execute("DROP SEQUENCE search_version_seq")
