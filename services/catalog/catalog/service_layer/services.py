"""What the catalog does with products and stock, as plain functions over a unit of work."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from catalog.domain.model import Product, Variant, returned_unit_notice
from catalog.service_layer.unit_of_work import CatalogUnitOfWork
from vitrine_shared.events.contracts import LocalizedText, ProductArchived, ProductUpserted, StockChanged
from vitrine_shared.problems import Conflict, NotFound, Unprocessable


def product_upserted(product: Product) -> ProductUpserted:
    return ProductUpserted(
        product_id=product.id,
        sku=product.sku,
        name=LocalizedText(fr=product.name_fr, en=product.name_en),
        price_minor=product.price_minor,
        currency=product.currency,
        hygiene_class=product.hygiene_class,  # type: ignore[arg-type]
        consult_available=product.consult_available,
        categories=list(product.categories),
        variant_skus=[variant.sku for variant in product.variants],
    )


def stock_changed(product_id: uuid.UUID, sku: str, on_hand: int, reserved: int, reason: str) -> StockChanged:
    return StockChanged(
        product_id=product_id,
        variant_sku=sku,
        on_hand=on_hand,
        reserved=reserved,
        available=on_hand - reserved,
        reason=reason,
    )


def _check_new_skus(uow: CatalogUnitOfWork, product: Product, new_variant_skus: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, sku in enumerate(new_variant_skus):
        if sku in seen:
            raise Unprocessable(f"variants[{index}].sku", f"{sku} appears twice")
        seen.add(sku)
    taken = uow.products.existing_skus([product.sku, *new_variant_skus])
    if product.sku in taken:
        raise Conflict(f"SKU {product.sku} is already used.", sku=product.sku)
    for sku in new_variant_skus:
        if sku in taken:
            raise Conflict(f"SKU {sku} is already used.", sku=sku)


def create_product(uow: CatalogUnitOfWork, product: Product, *, actor: str) -> Product:
    with uow:
        if product.sku in {variant.sku for variant in product.variants}:
            raise Unprocessable("variants", "a variant SKU must differ from the product SKU")
        _check_new_skus(uow, product, [variant.sku for variant in product.variants])
        for variant in product.variants:
            variant.product_id = product.id
        uow.products.add(product)
        _record_initial_stock(uow, product.variants, actor)
        uow.products.queue_for_index([product.id])
        uow.publish(product_upserted(product))
        uow.commit()
    return product


def _record_initial_stock(uow: CatalogUnitOfWork, variants: Sequence[Variant], actor: str) -> None:
    """New variants that arrive with stock get an audit line saying where it came from."""
    for variant in variants:
        if variant.on_hand:
            uow.products.record_adjustment(
                sku=variant.sku,
                delta=variant.on_hand,
                on_hand_after=variant.on_hand,
                reason="initial stock",
                actor=actor,
            )


def update_product(
    uow: CatalogUnitOfWork,
    product_id: uuid.UUID,
    *,
    changes: dict[str, Any],
    new_variants: Sequence[Variant] = (),
    actor: str,
) -> Product:
    with uow:
        found = uow.products.get_many([product_id], for_update=True)
        if not found:
            raise NotFound(f"No product {product_id}.")
        product = found[0]
        if product.archived:
            raise Conflict("An archived product cannot be changed.", current_state="archived")
        for name, value in changes.items():
            setattr(product, name, value)
        existing = {variant.sku for variant in product.variants}
        for variant in new_variants:
            current = product.variant(variant.sku)
            if current is not None:
                current.size, current.colour = variant.size, variant.colour
        added = [variant for variant in new_variants if variant.sku not in existing]
        taken = uow.products.existing_skus([variant.sku for variant in added]) if added else {}
        for variant in added:
            if variant.sku in taken or variant.sku == product.sku:
                raise Conflict(f"SKU {variant.sku} is already used.", sku=variant.sku)
        for variant in added:
            variant.product_id = product.id
            product.variants.append(variant)
        uow.products.save(product)
        _record_initial_stock(uow, added, actor)
        uow.products.queue_for_index([product.id])
        uow.publish(product_upserted(product))
        uow.commit()
    return product


def archive_product(uow: CatalogUnitOfWork, product_id: uuid.UUID, *, actor: str) -> Product:
    with uow:
        found = uow.products.get_many([product_id], for_update=True)
        if not found:
            raise NotFound(f"No product {product_id}.")
        product = found[0]
        if product.archived:
            return product  # archiving twice is the same as once
        product.archived = True
        uow.products.save(product)
        uow.products.queue_for_index([product.id])
        uow.publish(ProductArchived(product_id=product.id, sku=product.sku))
        uow.commit()
    return product


def adjust_stock(uow: CatalogUnitOfWork, sku: str, *, delta: int, reason: str, actor: str) -> Variant:
    with uow:
        found = uow.products.variant_with_product(sku, for_update=True)
        if found is None:
            raise NotFound(f"No variant {sku}.")
        variant, _ = found
        variant.adjust(delta)
        uow.products.set_on_hand(variant)
        uow.products.record_adjustment(sku=sku, delta=delta, on_hand_after=variant.on_hand, reason=reason, actor=actor)
        uow.products.queue_for_index([variant.product_id])
        uow.publish(stock_changed(variant.product_id, sku, variant.on_hand, variant.reserved, f"adjustment: {reason}"))
        uow.commit()
    return variant


def stock_adjustments(uow: CatalogUnitOfWork, sku: str) -> list[dict[str, Any]]:
    with uow:
        if uow.products.variant_with_product(sku) is None:
            raise NotFound(f"No variant {sku}.")
        return [row._asdict() for row in uow.products.adjustments(sku)]


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductDetail:
    product: Product
    returned_units: dict[str, list[dict[str, Any]]]


def _detail(uow: CatalogUnitOfWork, product: Product | None, missing: str) -> ProductDetail:
    if product is None:
        raise NotFound(missing)
    units: dict[str, list[dict[str, Any]]] = {}
    for row in uow.products.returned_units_of([variant.sku for variant in product.variants]):
        units.setdefault(row.variant_sku, []).append(
            {
                "certificate_id": row.certificate_id,
                "sanitized_at": row.sanitized_at,
                "method": row.method,
                "notice": returned_unit_notice(row.sanitized_at, row.method, row.certificate_id),
            }
        )
    return ProductDetail(product, units)


def product_detail(uow: CatalogUnitOfWork, product_id: uuid.UUID) -> ProductDetail:
    with uow:
        return _detail(uow, uow.products.get(product_id), f"No product {product_id}.")


def product_detail_by_sku(uow: CatalogUnitOfWork, sku: str) -> ProductDetail:
    with uow:
        return _detail(uow, uow.products.get_by_sku(sku), f"No product with SKU {sku}.")


def list_products(
    uow: CatalogUnitOfWork, *, category: str | None, limit: int, offset: int
) -> tuple[list[Product], int]:
    with uow:
        return uow.products.list_page(category=category, limit=limit, offset=offset)


def variant_view(uow: CatalogUnitOfWork, sku: str) -> dict[str, Any]:
    """The shape checkout and consult rely on (docs/service-interfaces.md)."""
    with uow:
        found = uow.products.variant_with_product(sku)
        if found is None:
            raise NotFound(f"No variant {sku}.", sku=sku)
        return variant_public(*found)


def variant_public(variant: Variant, row: Any) -> dict[str, Any]:
    return {
        "sku": variant.sku,
        "product_id": row.id,
        "product_sku": row.product_sku,
        "name": {"fr": row.name_fr, "en": row.name_en},
        "size": variant.size,
        "colour": variant.colour,
        "price_minor": row.price_minor,
        "currency": row.currency,
        "available": max(variant.available, 0),
        "hygiene_class": row.hygiene_class,
        "final_sale": row.final_sale,
        "consult_available": row.consult_available,
        "archived": row.archived,
        "categories": list(row.categories),
    }


# --- many at once (seed, bulk import) ------------------------------------------------------------


SEEDED_FIELDS = ("name_fr", "name_en", "description_fr", "description_en", "brand", "categories", "price_minor")


def add_missing_products(uow: CatalogUnitOfWork, batch: Sequence[Product], *, actor: str) -> int:
    """Create the products of `batch` whose SKU is not taken yet, and bring the descriptive fields
    of those that exist back to `batch` when they drifted (the idempotent seed). Stock is left alone."""
    with uow:
        taken = uow.products.existing_skus([product.sku for product in batch])
        existing = {product.sku: product for product in uow.products.get_many([p.id for p in batch if p.sku in taken])}
        created = 0
        for product in batch:
            current = existing.get(product.sku)
            if current is not None and any(getattr(current, f) != getattr(product, f) for f in SEEDED_FIELDS):
                for name in SEEDED_FIELDS:
                    setattr(current, name, getattr(product, name))
                uow.products.save(current)
                uow.products.queue_for_index([current.id])
                uow.publish(product_upserted(current))
            if product.sku in taken or any(variant.sku in taken for variant in product.variants):
                continue
            uow.products.add(product)
            for variant in product.variants:
                if variant.on_hand:
                    uow.products.record_adjustment(
                        sku=variant.sku,
                        delta=variant.on_hand,
                        on_hand_after=variant.on_hand,
                        reason="initial stock",
                        actor=actor,
                    )
            uow.publish(product_upserted(product))
            created += 1
        uow.products.queue_for_index([product.id for product in batch if product.sku not in taken])
        uow.commit()
        return created


def import_products(uow: CatalogUnitOfWork, batch: Sequence[Product], *, actor: str) -> tuple[int, dict[str, str]]:
    """Insert or replace products by SKU in a few statements. Stock is set only for variants that
    are new (audited as initial stock); existing stock moves only through adjustments. Returns the
    count written and, by product SKU, the rows refused (a variant SKU owned by another product)."""
    with uow:
        owners = uow.products.variant_owners([variant.sku for product in batch for variant in product.variants])
        product_skus = {product.sku for product in batch}
        taken_as_product = uow.products.existing_skus([v.sku for p in batch for v in p.variants])
        refused: dict[str, str] = {}
        claimed: dict[str, str] = {}  # variant SKU -> product SKU, within this batch
        for product in batch:
            for variant in product.variants:
                owner = owners.get(variant.sku) or claimed.get(variant.sku)
                if (owner is not None and owner != product.sku) or variant.sku in product_skus:
                    refused[product.sku] = f"variant SKU {variant.sku} belongs to another product"
                elif taken_as_product.get(variant.sku) == "product":
                    refused[product.sku] = f"variant SKU {variant.sku} is a product SKU"
            if product.sku not in refused:
                claimed.update((variant.sku, product.sku) for variant in product.variants)
        batch = [product for product in batch if product.sku not in refused]
        if not batch:
            return 0, refused
        uow.products.upsert_many(batch)
        for sku, on_hand in uow.products.new_variant_stock(
            [variant.sku for product in batch for variant in product.variants]
        ):
            uow.products.record_adjustment(
                sku=sku, delta=on_hand, on_hand_after=on_hand, reason="initial stock (import)", actor=actor
            )
        for product in batch:
            uow.publish(product_upserted(product))
        uow.products.queue_for_index([product.id for product in batch])
        uow.commit()
        return len(batch), refused
