"""Tables of the checkout database, mapped onto the domain classes (imperative mapping keeps the
domain free of SQLAlchemy)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import registry, relationship

from checkout.domain.model import Cart, CartLine, Order, OrderLine, Refund

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

carts = Table(
    "carts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("consult_session_id", UUID(as_uuid=True)),
    Column("placement_order_id", UUID(as_uuid=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

cart_lines = Table(
    "cart_lines",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("cart_id", UUID(as_uuid=True), ForeignKey("carts.id", ondelete="CASCADE"), nullable=False),
    Column("sku", String(100), nullable=False),
    Column("product_id", UUID(as_uuid=True), nullable=False),
    Column("name_fr", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("hygiene_class", String(30), nullable=False),
    Column("final_sale", Boolean, nullable=False),
    UniqueConstraint("cart_id", "sku", name="uq_cart_lines_cart_sku"),
    CheckConstraint("quantity BETWEEN 1 AND 99", name="ck_cart_lines_quantity"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("cart_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("email", String(320), nullable=False),
    Column("province", String(2), nullable=False),
    Column("shipping_address", JSONB, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal_minor", BigInteger, nullable=False),
    Column("shipping_minor", BigInteger, nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("status", String(30), nullable=False),
    Column("consult_session_id", UUID(as_uuid=True)),
    Column("payment_intent_id", String(100), index=True),
    Column("payment_attempts", Integer, nullable=False),
    Column("payment_error", Text),
    Column("captured_minor", BigInteger, nullable=False),
    Column("refunded_minor", BigInteger, nullable=False),
    Column("cancel_reason", Text),
    Column("reservation_expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("paid_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    CheckConstraint("refunded_minor <= captured_minor", name="ck_orders_refund_within_capture"),
    Index("ix_orders_pending_expiry", "reservation_expires_at", postgresql_where=text("status = 'pending_payment'")),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("sku", String(100), nullable=False),
    Column("product_id", UUID(as_uuid=True), nullable=False),
    Column("name_fr", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("hygiene_class", String(30), nullable=False),
    Column("final_sale", Boolean, nullable=False),
    Column("category", String(50)),  # migration 0003
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), nullable=False, index=True),
    # One refund per approved return: a second approval of the same return is the same refund.
    Column("return_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),
    Column("stripe_refund_id", String(100)),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_refunds_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
)

# Every Stripe event we accepted, under its Stripe id: the unique key makes a duplicate delivery
# a no-op, and the row is the work item the worker processes.
stripe_events = Table(
    "stripe_events",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("type", String(100), nullable=False),
    Column("payment_intent_id", String(100)),
    Column("payload", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("processed_at", DateTime(timezone=True)),
    Column("outcome", String(100)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Index("ix_stripe_events_unprocessed", "received_at", postgresql_where=text("processed_at IS NULL")),
)


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    # Lines come in the same query as their cart or order (joined): one round trip per load
    # instead of two. Queries that lock name the parent table (`FOR UPDATE OF`), since
    # PostgreSQL cannot lock the nullable side of the outer join.
    mapper_registry.map_imperatively(CartLine, cart_lines)
    mapper_registry.map_imperatively(
        Cart,
        carts,
        properties={
            "lines": relationship(CartLine, cascade="all, delete-orphan", order_by=cart_lines.c.sku, lazy="joined")
        },
    )
    mapper_registry.map_imperatively(OrderLine, order_lines)
    mapper_registry.map_imperatively(
        Order,
        orders,
        properties={
            "lines": relationship(OrderLine, cascade="all, delete-orphan", order_by=order_lines.c.sku, lazy="joined")
        },
    )
    mapper_registry.map_imperatively(Refund, refunds)
