"""Reading and writing the catalog's tables (SQLAlchemy Core). Stock moves are single conditional
UPDATEs: PostgreSQL re-checks the WHERE clause under the row lock, so concurrent reservations of
the last units cannot both succeed and stock can never go negative."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Row, String, and_, column, func, select, text, true, update, values
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from catalog.adapters.orm import (
    product_search_words,
    products,
    reservation_lines,
    reservations,
    returned_units,
    search_pending,
    search_version_seq,
    stock_adjustments,
    variants,
)
from catalog.adapters.search import DOCUMENTS_OF_CLAIMED_SQL, DOCUMENTS_SQL
from catalog.domain.model import Product, Variant
from catalog.domain.search_words import search_words

PRODUCT_FIELDS = (
    "sku",
    "name_fr",
    "name_en",
    "description_fr",
    "description_en",
    "brand",
    "categories",
    "price_minor",
    "currency",
    "images",
    "attributes",
    "hygiene_class",
    "consult_available",
    "final_sale",
    "archived",
)


# A variant's columns with its product's, the product's SKU as `product_sku` (what
# `variant_public` reads), for a query or an UPDATE's RETURNING.
VARIANT_WITH_PRODUCT = [
    *variants.c,
    products.c.sku.label("product_sku"),
    *(column for column in products.c if column.name != "sku"),
]


def _variant(row: Row[Any]) -> Variant:
    return Variant(
        sku=row.sku,
        product_id=row.product_id,
        size=row.size,
        colour=row.colour,
        on_hand=row.on_hand,
        reserved=row.reserved,
    )


def _product(row: Row[Any], product_variants: list[Variant]) -> Product:
    return Product(
        id=row.id,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
        variants=product_variants,
        **{name: getattr(row, name) for name in PRODUCT_FIELDS},
    )


class CatalogRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- products ---------------------------------------------------------------------------

    def get(self, product_id: uuid.UUID) -> Product | None:
        found = self.get_many([product_id])
        return found[0] if found else None

    def get_by_sku(self, sku: str) -> Product | None:
        product_id = self.session.execute(select(products.c.id).where(products.c.sku == sku)).scalar_one_or_none()
        return self.get(product_id) if product_id else None

    def get_many(self, product_ids: Sequence[uuid.UUID], *, for_update: bool = False) -> list[Product]:
        if not product_ids:
            return []
        query = select(products).where(products.c.id.in_(product_ids))
        if for_update:
            query = query.with_for_update()
        rows = self.session.execute(query).all()
        by_product: dict[uuid.UUID, list[Variant]] = {row.id: [] for row in rows}
        variant_rows = self.session.execute(
            select(variants).where(variants.c.product_id.in_(list(by_product))).order_by(variants.c.sku)
        )
        for variant_row in variant_rows:
            by_product[variant_row.product_id].append(_variant(variant_row))
        return [_product(row, by_product[row.id]) for row in rows]

    def list_page(self, *, category: str | None, limit: int, offset: int) -> tuple[list[Product], int]:
        condition = products.c.archived.is_(False)
        if category:
            condition = and_(condition, products.c.categories.contains([category]))
        total = self.session.execute(select(func.count()).select_from(products).where(condition)).scalar_one()
        ids = self.session.execute(
            select(products.c.id)
            .where(condition)
            .order_by(products.c.created_at.desc(), products.c.sku)
            .limit(limit)
            .offset(offset)
        ).scalars()
        ordered = list(ids)
        found = {product.id: product for product in self.get_many(ordered)}
        return [found[product_id] for product_id in ordered], total

    def all_ids(self, batch: int = 1000) -> Iterable[list[uuid.UUID]]:
        last: uuid.UUID | None = None
        while True:
            query = select(products.c.id).order_by(products.c.id).limit(batch)
            if last is not None:
                query = query.where(products.c.id > last)
            chunk = list(self.session.execute(query).scalars())
            if not chunk:
                return
            yield chunk
            last = chunk[-1]

    def existing_skus(self, skus: Iterable[str]) -> dict[str, str]:
        """SKU -> "product" or "variant" for those already taken (SKUs are one namespace)."""
        wanted = list(set(skus))
        taken = dict.fromkeys(
            self.session.execute(select(products.c.sku).where(products.c.sku.in_(wanted))).scalars(), "product"
        )
        for sku in self.session.execute(select(variants.c.sku).where(variants.c.sku.in_(wanted))).scalars():
            taken.setdefault(sku, "variant")
        return taken

    def add(self, product: Product) -> None:
        self.session.execute(
            insert(products).values(id=product.id, **{name: getattr(product, name) for name in PRODUCT_FIELDS})
        )
        if product.variants:
            self.session.execute(
                insert(variants), [self._variant_values(product, variant) for variant in product.variants]
            )
        self._analyse([product])

    def save(self, product: Product) -> None:
        """Writes a product's descriptive fields and adds its new variants (stock moves elsewhere)."""
        product.revision += 1
        self.session.execute(
            update(products)
            .where(products.c.id == product.id)
            .values(
                revision=product.revision,
                updated_at=func.now(),
                **{name: getattr(product, name) for name in PRODUCT_FIELDS},
            )
        )
        for variant in product.variants:
            statement = insert(variants).values(self._variant_values(product, variant))
            self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=[variants.c.sku], set_={"size": variant.size, "colour": variant.colour}
                )
            )
        self._analyse([product])

    def upsert_many(self, batch: Sequence[Product]) -> list[uuid.UUID]:
        """Bulk import: insert or replace products by SKU (and their variants by SKU) in a few
        statements. Returns the ids as stored (an existing product keeps its id)."""
        rows = [{"id": product.id, **{name: getattr(product, name) for name in PRODUCT_FIELDS}} for product in batch]
        statement = insert(products).values(rows)
        stored = self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[products.c.sku],
                set_={
                    **{name: statement.excluded[name] for name in PRODUCT_FIELDS if name != "sku"},
                    "revision": products.c.revision + 1,
                    "updated_at": func.now(),
                },
            ).returning(products.c.sku, products.c.id)
        ).all()
        ids = {row.sku: row.id for row in stored}
        variant_rows = []
        for product in batch:
            product.id = ids[product.sku]
            variant_rows += [self._variant_values(product, variant) for variant in product.variants]
        if variant_rows:
            statement = insert(variants).values(variant_rows)
            # Stock of an existing variant is never overwritten by an import: it moves only
            # through adjustments and reservations, which are audited.
            self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=[variants.c.sku],
                    set_={"size": statement.excluded.size, "colour": statement.excluded.colour},
                    where=variants.c.product_id == statement.excluded.product_id,
                )
            )
        # A re-imported product keeps variants the file no longer lists, and their colours stay
        # searchable: the words come from the product as stored, not from the file's row.
        self._analyse(self.get_many([product.id for product in batch]))
        return [product.id for product in batch]

    def _analyse(self, written: Sequence[Product]) -> None:
        if not written:
            return
        rows = [{"product_id": product.id, **search_words(product).as_row()} for product in written]
        statement = insert(product_search_words).values(rows)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[product_search_words.c.product_id],
                set_={name: statement.excluded[name] for name in rows[0] if name != "product_id"},
            )
        )

    def reanalyse_all(self, batch: int = 1000) -> Iterable[int]:
        """Works the words out again for every product (after a change to the language code);
        yields how many each step did."""
        for ids in self.all_ids(batch):
            self._analyse(self.get_many(ids))
            yield len(ids)

    def variant_owners(self, skus: Sequence[str]) -> dict[str, str]:
        """Variant SKU -> its product's SKU, for those that exist."""
        if not skus:
            return {}
        rows = self.session.execute(
            select(variants.c.sku, products.c.sku.label("product_sku"))
            .join(products, products.c.id == variants.c.product_id)
            .where(variants.c.sku.in_(list(skus)))
        )
        return {row.sku: row.product_sku for row in rows}

    def new_variant_stock(self, skus: Sequence[str]) -> list[tuple[str, int]]:
        """Variants among `skus` that have stock and no adjustment yet (just created)."""
        if not skus:
            return []
        audited = select(stock_adjustments.c.variant_sku).where(stock_adjustments.c.variant_sku == variants.c.sku)
        rows = self.session.execute(
            select(variants.c.sku, variants.c.on_hand).where(
                variants.c.sku.in_(list(skus)), variants.c.on_hand > 0, ~audited.exists()
            )
        )
        return [(row.sku, row.on_hand) for row in rows]

    @staticmethod
    def _variant_values(product: Product, variant: Variant) -> dict[str, Any]:
        return {
            "sku": variant.sku,
            "product_id": product.id,
            "size": variant.size,
            "colour": variant.colour,
            "on_hand": variant.on_hand,
            "reserved": variant.reserved,
        }

    # --- variants and stock ----------------------------------------------------------------

    def variant_with_product(self, sku: str, *, for_update: bool = False) -> tuple[Variant, Row[Any]] | None:
        found = self.variants_with_products([sku], for_update=for_update)
        return found[0] if found else None

    def variants_with_products(
        self, skus: Sequence[str], *, for_update: bool = False
    ) -> list[tuple[Variant, Row[Any]]]:
        """Variants with their product's columns (the product's SKU as `product_sku`), by SKU."""
        query = (
            select(*VARIANT_WITH_PRODUCT)
            .join(products, products.c.id == variants.c.product_id)
            .where(variants.c.sku.in_(list(skus)))
            .order_by(variants.c.sku)
        )
        if for_update:
            query = query.with_for_update(of=variants)
        return [(_variant(row), row) for row in self.session.execute(query)]

    def set_on_hand(self, variant: Variant) -> None:
        self.session.execute(update(variants).where(variants.c.sku == variant.sku).values(on_hand=variant.on_hand))

    def record_adjustment(self, *, sku: str, delta: int, on_hand_after: int, reason: str, actor: str) -> None:
        self.session.execute(
            insert(stock_adjustments).values(
                id=uuid.uuid4(), variant_sku=sku, delta=delta, on_hand_after=on_hand_after, reason=reason, actor=actor
            )
        )

    def adjustments(self, sku: str, limit: int = 100) -> list[Row[Any]]:
        return list(
            self.session.execute(
                select(stock_adjustments)
                .where(stock_adjustments.c.variant_sku == sku)
                .order_by(stock_adjustments.c.created_at.desc())
                .limit(limit)
            )
        )

    def hold(self, sku: str, quantity: int) -> tuple[Variant, Row[Any]] | None:
        """Reserve `quantity` units if that many are available, and answer the variant with its
        product's columns as `variants_with_products` does, as of the hold (one statement);
        None when not that many are free (or no such SKU)."""
        row = self.session.execute(
            update(variants)
            .where(
                variants.c.sku == sku,
                variants.c.on_hand - variants.c.reserved >= quantity,
                variants.c.product_id == products.c.id,
            )
            .values(reserved=variants.c.reserved + quantity)
            .returning(*VARIANT_WITH_PRODUCT)
        ).first()
        return (_variant(row), row) if row is not None else None

    def unhold(self, sku: str, quantity: int) -> Row[Any] | None:
        return self.session.execute(
            update(variants)
            .where(variants.c.sku == sku)
            .values(reserved=func.greatest(variants.c.reserved - quantity, 0))
            .returning(variants.c.product_id, variants.c.on_hand, variants.c.reserved)
        ).first()

    def ship_held(self, sku: str, quantity: int) -> Row[Any] | None:
        """Held units leave: on hand and reserved both drop."""
        return self.session.execute(
            update(variants)
            .where(variants.c.sku == sku, variants.c.reserved >= quantity, variants.c.on_hand >= quantity)
            .values(on_hand=variants.c.on_hand - quantity, reserved=variants.c.reserved - quantity)
            .returning(variants.c.product_id, variants.c.on_hand, variants.c.reserved)
        ).first()

    def ship_available(self, sku: str, quantity: int) -> Row[Any] | None:
        """Units leave without a hold (the hold had expired): only if that many are free."""
        return self.session.execute(
            update(variants)
            .where(variants.c.sku == sku, variants.c.on_hand - variants.c.reserved >= quantity)
            .values(on_hand=variants.c.on_hand - quantity)
            .returning(variants.c.product_id, variants.c.on_hand, variants.c.reserved)
        ).first()

    def add_on_hand(self, sku: str, quantity: int) -> Row[Any] | None:
        return self.session.execute(
            update(variants)
            .where(variants.c.sku == sku)
            .values(on_hand=variants.c.on_hand + quantity)
            .returning(variants.c.product_id, variants.c.on_hand, variants.c.reserved)
        ).first()

    def available(self, sku: str) -> int | None:
        return self.session.execute(
            select(variants.c.on_hand - variants.c.reserved).where(variants.c.sku == sku)
        ).scalar_one_or_none()

    # --- reservations -----------------------------------------------------------------------

    def claim_reservation(
        self, reservation_id: uuid.UUID, expires_at: datetime, lines: Sequence[tuple[str, int]]
    ) -> bool:
        """Insert the reservation with its lines, in one statement; False, and nothing written,
        when the id exists (a retry or a concurrent twin). Lines of unknown SKUs are left out:
        their hold fails next, and the transaction with it."""
        claimed = (
            insert(reservations)
            .values(id=reservation_id, status="held", expires_at=expires_at)
            .on_conflict_do_nothing()
            .returning(reservations.c.id)
            .cte("claimed")
        )
        wanted = values(column("sku", String), column("quantity", Integer), name="wanted").data(list(lines))
        lines_of_claim = (
            insert(reservation_lines)
            .from_select(
                ["reservation_id", "sku", "quantity"],
                select(claimed.c.id, wanted.c.sku, wanted.c.quantity)
                .select_from(claimed)
                .join(wanted, true())  # each wanted line with the one claimed row
                .join(variants, variants.c.sku == wanted.c.sku),
            )
            .cte("lines_of_claim")
        )
        # A data-modifying WITH runs whether or not the main query reads it.
        return self.session.execute(select(claimed.c.id).add_cte(lines_of_claim)).first() is not None

    def reservation(
        self, reservation_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[Row[Any], list[Row[Any]]] | None:
        query = select(reservations).where(reservations.c.id == reservation_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        if row is None:
            return None
        lines = list(
            self.session.execute(
                select(reservation_lines)
                .where(reservation_lines.c.reservation_id == reservation_id)
                .order_by(reservation_lines.c.sku)
            )
        )
        return row, lines

    def set_reservation_status(self, reservation_id: uuid.UUID, status: str) -> None:
        self.session.execute(
            update(reservations).where(reservations.c.id == reservation_id).values(status=status, updated_at=func.now())
        )

    def claim_expired_reservations(self, limit: int) -> list[uuid.UUID]:
        return list(
            self.session.execute(
                select(reservations.c.id)
                .where(reservations.c.status == "held", reservations.c.expires_at < func.now())
                .order_by(reservations.c.expires_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )

    # --- returned units ----------------------------------------------------------------------

    def add_returned_unit(self, **values: Any) -> bool:
        inserted = self.session.execute(
            insert(returned_units).values(**values).on_conflict_do_nothing().returning(returned_units.c.item_id)
        ).first()
        return inserted is not None

    def returned_units_of(self, skus: Sequence[str]) -> list[Row[Any]]:
        if not skus:
            return []
        return list(
            self.session.execute(
                select(returned_units)
                .where(returned_units.c.variant_sku.in_(list(skus)))
                .order_by(returned_units.c.restocked_at.desc())
            )
        )

    # --- search queue ------------------------------------------------------------------------

    def queue_for_index(self, product_ids: Iterable[uuid.UUID]) -> None:
        unique = list(dict.fromkeys(product_ids))
        if not unique:
            return
        statement = insert(search_pending).values(
            [{"product_id": product_id, "version": search_version_seq.next_value()} for product_id in unique]
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[search_pending.c.product_id],
                set_={"version": statement.excluded.version, "queued_at": func.now()},
            )
        )

    def claim_pending_documents(self, limit: int, after_version: int = 0) -> list[tuple[uuid.UUID, int, str | None]]:
        """Claims the next queued products in version order and returns, with each, its search
        document as JSON text built by PostgreSQL (None for a product that no longer exists)."""
        rows = self.session.execute(
            text(DOCUMENTS_OF_CLAIMED_SQL), {"limit": limit, "after_version": after_version}
        ).all()
        return [(row.product_id, row.version, row.body) for row in rows]

    def search_documents(self, product_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
        rows = self.session.execute(text(DOCUMENTS_SQL), {"ids": list(product_ids)}).all()
        return [(row.product_id, row.body) for row in rows]

    def done_pending(self, indexed: Sequence[tuple[uuid.UUID, int]]) -> None:
        """Forget queued products, unless they changed again since (a newer version waits)."""
        if indexed:
            # Two array parameters instead of a thousand bound values: planning a long IN list
            # cost more than the delete itself.
            self.session.execute(
                text(
                    "DELETE FROM search_pending USING unnest(CAST(:ids AS uuid[]), CAST(:versions AS bigint[]))"
                    " AS done(product_id, version)"
                    " WHERE search_pending.product_id = done.product_id AND search_pending.version = done.version"
                ),
                {"ids": [product_id for product_id, _ in indexed], "versions": [version for _, version in indexed]},
            )

    def pending_count(self) -> int:
        return self.session.execute(select(func.count()).select_from(search_pending)).scalar_one()

    def current_search_version(self) -> int:
        return self.session.execute(text("SELECT nextval('search_version_seq')")).scalar_one()
