"""Tables of the catalog database. The repository reads and writes them with SQLAlchemy Core:
stock moves are conditional UPDATEs (the row lock is the whole concurrency story), and the bulk
import writes thousands of rows per statement, neither of which an identity map helps."""

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
    PrimaryKeyConstraint,
    Sequence,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

search_version_seq = Sequence("search_version_seq", metadata=metadata)

products = Table(
    "products",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("sku", String(48), nullable=False, unique=True),
    Column("name_fr", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("description_fr", Text, nullable=False, server_default=""),
    Column("description_en", Text, nullable=False, server_default=""),
    Column("brand", String(100), nullable=False),
    Column("categories", ARRAY(String(50)), nullable=False, server_default="{}"),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False, server_default="CAD"),
    Column("images", JSONB, nullable=False, server_default="[]"),
    Column("attributes", JSONB, nullable=False, server_default="{}"),
    Column("hygiene_class", String(20), nullable=False, server_default="standard"),
    Column("consult_available", Boolean, nullable=False, server_default="false"),
    Column("final_sale", Boolean, nullable=False, server_default="false"),
    Column("archived", Boolean, nullable=False, server_default="false"),
    Column("revision", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("price_minor >= 0", name="ck_products_price"),
    CheckConstraint("hygiene_class IN ('standard', 'sealed_hygiene', 'cleanable')", name="ck_products_hygiene"),
)
Index("ix_products_categories", products.c.categories, postgresql_using="gin")

variants = Table(
    "variants",
    metadata,
    Column("sku", String(48), primary_key=True),
    Column("product_id", UUID(as_uuid=True), ForeignKey("products.id"), nullable=False, index=True),
    Column("size", String(40)),
    Column("colour", String(40)),
    Column("on_hand", Integer, nullable=False, server_default="0"),
    Column("reserved", Integer, nullable=False, server_default="0"),
    CheckConstraint("on_hand >= 0", name="ck_variants_on_hand"),
    CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_variants_reserved"),
)

stock_adjustments = Table(
    "stock_adjustments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("variant_sku", String(48), ForeignKey("variants.sku"), nullable=False, index=True),
    Column("delta", Integer, nullable=False),
    Column("on_hand_after", Integer, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

reservations = Table(
    "reservations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("status", String(20), nullable=False),  # held, committed, released, expired
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_reservations_held_expiry", "expires_at", postgresql_where="status = 'held'"),
)

reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column("reservation_id", UUID(as_uuid=True), ForeignKey("reservations.id"), nullable=False),
    Column("sku", String(48), ForeignKey("variants.sku"), nullable=False),
    Column("quantity", Integer, nullable=False),
    PrimaryKeyConstraint("reservation_id", "sku", name="pk_reservation_lines"),
    CheckConstraint("quantity > 0", name="ck_reservation_lines_quantity"),
)

returned_units = Table(
    "returned_units",
    metadata,
    Column("item_id", UUID(as_uuid=True), primary_key=True),
    Column("return_id", UUID(as_uuid=True), nullable=False),
    Column("variant_sku", String(48), ForeignKey("variants.sku"), nullable=False, index=True),
    Column("certificate_id", String(200), nullable=False),
    Column("sanitized_at", DateTime(timezone=True), nullable=False),
    Column("method", String(40), nullable=False),
    Column("restocked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Products whose search document is stale, written in the same transaction as the change. The
# indexer drains it in bulk; while Elasticsearch is down rows simply wait, so nothing is missed.
search_pending = Table(
    "search_pending",
    metadata,
    Column("product_id", UUID(as_uuid=True), primary_key=True),
    Column("version", BigInteger, nullable=False, index=True),
    Column("queued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The analysed words of each product (catalog.domain.search_words), written with the product so
# the indexer only assembles documents. Derived: `cli reindex --reanalyse` rebuilds it.
product_search_words = Table(
    "product_search_words",
    metadata,
    Column("product_id", UUID(as_uuid=True), ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("name_fr_stem", Text, nullable=False),
    Column("name_en_stem", Text, nullable=False),
    Column("text_fr_stem", Text, nullable=False),
    Column("text_en_stem", Text, nullable=False),
    Column("folded", Text, nullable=False),
    Column("suggest", Text, nullable=False),
    Column("name_keys", ARRAY(Text), nullable=False),
    Column("name_words", ARRAY(Text), nullable=False),
)
