"""Tables of the returns database, mapped onto the domain classes (imperative mapping keeps the
domain free of SQLAlchemy)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import registry, relationship

from returns.domain.model import Order, OrderLine, ReturnItem, ReturnRequest, SanitizationLot

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

orders = Table(
    "orders",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("order_number", String(64), nullable=False, unique=True),
    Column("customer_email", String(320), nullable=False),
    Column("province", String(8), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal_minor", BigInteger, nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("shipping_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("order_token_digest", String(64)),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("product_id", UUID(as_uuid=True), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("hygiene_class", String(20), nullable=False),
    Column("final_sale", Boolean, nullable=False),
    Column("category", String(100)),
)

returns = Table(
    "returns",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("rma_number", String(32), nullable=False, unique=True),
    Column("order_id", UUID(as_uuid=True), ForeignKey("orders.id"), nullable=False, index=True),
    Column("order_number", String(64), nullable=False),
    Column("preference", String(20), nullable=False),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("currency", String(3), nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True)),
    Column("received_by", String(200)),
    Column("refund_status", String(20)),
    Column("refunded_minor", BigInteger, nullable=False, server_default=text("0")),
)

return_items = Table(
    "return_items",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("return_id", UUID(as_uuid=True), ForeignKey("returns.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("product_id", UUID(as_uuid=True), nullable=False),
    Column("hygiene_class", String(20), nullable=False),
    Column("reason_code", String(40), nullable=False),
    Column("unit_refund_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("seal_declared_intact", Boolean),
    Column("state", String(20), nullable=False),
    Column("state_entered_at", DateTime(timezone=True), nullable=False),
    Column("grade", String(10)),
    Column("seal_intact", Boolean),
    Column("material", String(20)),
    Column("quarantine_started_at", DateTime(timezone=True)),
    Column("quarantined_until", DateTime(timezone=True)),
    Column("lot_id", UUID(as_uuid=True)),
    Column("sanitized_at", DateTime(timezone=True)),
    Column("certificate_id", String(40), unique=True),
    Column("disposition", String(20)),
    ForeignKeyConstraint(["order_id", "line_no"], ["order_lines.order_id", "order_lines.line_no"]),
    Index("ix_return_items_return", "return_id"),
    Index("ix_return_items_order_line", "order_id", "line_no"),
    Index("ix_return_items_state", "state", "state_entered_at"),
    Index("ix_return_items_state_release", "state", "quarantined_until"),
)

return_photos = Table(
    "return_photos",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("return_id", UUID(as_uuid=True), ForeignKey("returns.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("content_type", String(40), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    # Kept in the database, never on a path built from shopper input, and never served with a
    # content type other than the one checked from the bytes.
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sanitization_lots = Table(
    "sanitization_lots",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("lot_code", String(40), nullable=False, unique=True),
    Column("method", String(20), nullable=False),
    Column("operator_subject", String(200), nullable=False),
    Column("operator_initials", String(8), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("parameters", JSONB, nullable=False),
    Column("status", String(10), nullable=False),
    Column("item_count", Integer, nullable=False),
    Index("ix_lots_started", "started_at"),
)

lot_items = Table(
    "lot_items",
    metadata,
    Column("lot_id", UUID(as_uuid=True), ForeignKey("sanitization_lots.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", UUID(as_uuid=True), ForeignKey("return_items.id"), primary_key=True),
)

# Every move of every item: who, when, from, to, details, hash-chained per item.
item_ledger = Table(
    "item_ledger",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("item_id", UUID(as_uuid=True), ForeignKey("return_items.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The move's time on the service's clock (the body's `at`), for time series.
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("item_id", "seq", name="uq_item_ledger_item_seq"),
    Index("ix_item_ledger_at_kind", "at", "kind"),
)

refund_approvals = Table(
    "refund_approvals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    # One approval per return (checkout refunds once per return id).
    Column("return_id", UUID(as_uuid=True), ForeignKey("returns.id"), nullable=False, unique=True),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("includes_shipping", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Shipping goes back at most once per order.
    Index("uq_refund_shipping_once", "order_id", unique=True, postgresql_where=text("includes_shipping")),
)

# One row per unit refunded: the primary key on item_id is what makes a second approval of the
# same unit impossible, whatever the code above it does.
refund_approval_items = Table(
    "refund_approval_items",
    metadata,
    Column("item_id", UUID(as_uuid=True), ForeignKey("return_items.id"), primary_key=True),
    Column("approval_id", UUID(as_uuid=True), ForeignKey("refund_approvals.id"), nullable=False, index=True),
)

refund_results = Table(
    "refund_results",
    metadata,
    Column("refund_id", String(100), primary_key=True),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("return_id", UUID(as_uuid=True)),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Development only: how far ahead of real time the service's clock runs. One row at most (absent
# means real time); api and worker read it, so they agree.
dev_clock = Table(
    "dev_clock",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("offset_seconds", BigInteger, nullable=False, server_default=text("0")),
    Column("changed_at", DateTime(timezone=True)),
    Column("changed_by", String(200)),
    CheckConstraint("id = 1", name="ck_dev_clock_single_row"),
    CheckConstraint("offset_seconds >= 0", name="ck_dev_clock_forward_only"),
)


def start_mappers() -> None:
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(OrderLine, order_lines)
    mapper_registry.map_imperatively(
        Order,
        orders,
        properties={"lines": relationship(OrderLine, order_by=order_lines.c.line_no, lazy="selectin")},
        exclude_properties=["recorded_at"],
    )
    mapper_registry.map_imperatively(ReturnItem, return_items)
    mapper_registry.map_imperatively(
        ReturnRequest,
        returns,
        properties={
            "items": relationship(ReturnItem, order_by=[return_items.c.line_no, return_items.c.id], lazy="selectin")
        },
    )
    mapper_registry.map_imperatively(SanitizationLot, sanitization_lots)
