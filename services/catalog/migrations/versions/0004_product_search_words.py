"""The analysed words of each product, worked out when it is written (not at each indexing).

Existing products are analysed here, in batches, with the domain's own function, so every
product has its words from this revision on.

Revision ID: 0004
Revises: 0003
"""

import sys

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from catalog.domain.model import Product, Variant
from catalog.domain.search_words import search_words

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "product_search_words",
        sa.Column(
            "product_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("products.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("name_fr_stem", "name_en_stem")),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("text_fr_stem", "text_en_stem")),
        sa.Column("folded", sa.Text, nullable=False),
        sa.Column("suggest", sa.Text, nullable=False),
        sa.Column("name_keys", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("name_words", postgresql.ARRAY(sa.Text), nullable=False),
    )
    _analyse_existing(op.get_bind())


def _analyse_existing(db: sa.Connection) -> None:
    total = db.execute(sa.text("SELECT count(*) FROM products")).scalar_one()
    done, last = 0, None
    while True:
        rows = db.execute(
            sa.text(
                "SELECT p.id, p.sku, p.name_fr, p.name_en, p.description_fr, p.description_en, p.brand,"
                " p.categories, p.price_minor, p.attributes,"
                " coalesce((SELECT array_agg(DISTINCT v.colour) FROM variants v"
                "           WHERE v.product_id = p.id AND v.colour IS NOT NULL), '{}') AS colours"
                " FROM products p WHERE (CAST(:last AS uuid) IS NULL OR p.id > :last) ORDER BY p.id LIMIT :batch"
            ),
            {"last": last, "batch": BATCH},
        ).all()
        if not rows:
            break
        words = []
        for row in rows:
            product = Product(
                id=row.id,
                sku=row.sku,
                name_fr=row.name_fr,
                name_en=row.name_en,
                description_fr=row.description_fr,
                description_en=row.description_en,
                brand=row.brand,
                categories=row.categories,
                price_minor=row.price_minor,
                attributes=row.attributes,
                variants=[Variant(sku=f"{row.sku}-{c}", product_id=row.id, colour=c) for c in row.colours],
            )
            words.append({"product_id": row.id, **search_words(product).as_row()})
        db.execute(sa.table("product_search_words", *(sa.column(name) for name in words[0])).insert(), words)
        done += len(rows)
        last = rows[-1].id
        if total > BATCH:
            print(f"catalog migration 0004: analysed {done}/{total} products", file=sys.stderr)


def downgrade() -> None:
    op.drop_table("product_search_words")
