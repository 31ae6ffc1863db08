"""Stock reservations for checkout: all lines or none, idempotent on the reservation id, never
more held than is on hand. Committed when the order is paid, released when it is cancelled or
the hold expires."""

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from catalog.service_layer.services import stock_changed, variant_public
from catalog.service_layer.unit_of_work import CatalogUnitOfWork
from vitrine_shared.events.contracts import ItemRestocked, OrderCancelled, OrderPaid
from vitrine_shared.problems import Conflict, IllegalTransition, NotFound, Unprocessable

log = logging.getLogger(__name__)


class InsufficientStock(Conflict):
    slug, title = "insufficient-stock", "Not enough stock"


def _view(row: Any, lines: Sequence[Any]) -> dict[str, Any]:
    return {
        "reservation_id": row.id,
        "status": row.status,
        "expires_at": row.expires_at,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in lines],
    }


def _with_variants(uow: CatalogUnitOfWork, view: dict[str, Any]) -> dict[str, Any]:
    """Each line with its variant as `GET /variants/{sku}` shows it (price, names, hygiene class,
    categories), read in the reservation's own transaction: the caller prices the order from the
    same moment its stock was held, without a second round trip."""
    found = uow.products.variants_with_products([line["sku"] for line in view["lines"]])
    current = {variant.sku: variant_public(variant, row) for variant, row in found}
    return {**view, "lines": [{**line, "variant": current.get(line["sku"])} for line in view["lines"]]}


def reserve(
    uow: CatalogUnitOfWork, *, reservation_id: uuid.UUID, lines: Sequence[tuple[str, int]], ttl_seconds: int
) -> tuple[dict[str, Any], bool]:
    """Hold every line or none. Returns (reservation, created); the same id again answers the
    existing reservation without holding anything twice."""
    skus = [sku for sku, _ in lines]
    for index, sku in enumerate(skus):
        if sku in skus[:index]:
            raise Unprocessable(f"lines[{index}].sku", f"{sku} appears twice; put the whole quantity on one line")
    with uow:
        expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
        if not uow.products.claim_reservation(reservation_id, expires_at, lines):
            uow.rollback()
            existing = uow.products.reservation(reservation_id)
            assert existing is not None
            return _with_variants(uow, _view(*existing)), False
        # A fixed order of row locks: two reservations over the same SKUs cannot deadlock.
        order = sorted(range(len(lines)), key=lambda index: lines[index][0])
        held_variants = {}
        for index in order:
            sku, quantity = lines[index]
            held = uow.products.hold(sku, quantity)
            if held is None:
                available = uow.products.available(sku)
                if available is None:
                    raise Unprocessable(f"lines[{index}].sku", f"no variant {sku}")
                raise InsufficientStock(
                    f"Only {max(available, 0)} of {sku} available; {quantity} requested.",
                    sku=sku,
                    available=max(available, 0),
                    requested=quantity,
                )
            held_variants[sku] = held
        for sku, (variant, _) in held_variants.items():
            uow.publish(stock_changed(variant.product_id, sku, variant.on_hand, variant.reserved, "reserved"))
        uow.products.queue_for_index([variant.product_id for variant, _ in held_variants.values()])
        # Answered from what was just written, each variant as its hold returned it, not read
        # back: checkout waits on this call before it can take the payment, so a round trip
        # saved here is one the shopper does not wait for.
        answer = {
            "reservation_id": reservation_id,
            "status": "held",
            "expires_at": expires_at,
            "lines": [
                {"sku": sku, "quantity": quantity, "variant": variant_public(*held_variants[sku])}
                for sku, quantity in sorted(lines)
            ],
        }
        uow.commit()
    return answer, True


def reservation_view(uow: CatalogUnitOfWork, reservation_id: uuid.UUID) -> dict[str, Any] | None:
    with uow:
        found = uow.products.reservation(reservation_id)
        return _view(*found) if found else None


def release(uow: CatalogUnitOfWork, reservation_id: uuid.UUID) -> dict[str, Any]:
    """The caller gives a hold back (a placement that did not happen). Idempotent; a reservation
    already committed to a paid order cannot be released (409)."""
    with uow:
        found = uow.products.reservation(reservation_id, for_update=True)
        if found is None:
            raise NotFound(f"No reservation {reservation_id}.")
        if found[0].status == "committed":
            raise IllegalTransition("This reservation belongs to a paid order.", current_state="committed")
        if _release_in(uow, reservation_id, "released"):
            uow.commit()
            found = uow.products.reservation(reservation_id)
            assert found is not None
        return _view(*found)


def _release_in(uow: CatalogUnitOfWork, reservation_id: uuid.UUID, status: str) -> bool:
    """Give back a held reservation's units (inside the caller's transaction)."""
    found = uow.products.reservation(reservation_id, for_update=True)
    if found is None or found[0].status != "held":
        return False
    _, lines = found
    product_ids = []
    for line in sorted(lines, key=lambda line: line.sku):
        released = uow.products.unhold(line.sku, line.quantity)
        if released is not None:
            product_ids.append(released.product_id)
            uow.publish(stock_changed(released.product_id, line.sku, released.on_hand, released.reserved, status))
    uow.products.set_reservation_status(reservation_id, status)
    uow.products.queue_for_index(product_ids)
    return True


def on_order_paid(event: OrderPaid, uow: CatalogUnitOfWork) -> None:
    """The order's units leave stock for good. Normally they were held; if the hold had already
    expired they are taken from what is free, and a shortfall is logged, never driven below zero."""
    found = uow.products.reservation(event.order_id, for_update=True)
    held = found is not None and found[0].status == "held"
    lines = (
        [(line.sku, line.quantity) for line in found[1]]
        if found
        else [(line.sku, line.quantity) for line in event.lines]
    )
    product_ids = []
    for sku, quantity in sorted(lines):
        shipped = uow.products.ship_held(sku, quantity) if held else None
        if shipped is None and not (found is not None and found[0].status == "committed"):
            shipped = uow.products.ship_available(sku, quantity)
        if shipped is None:
            if uow.products.available(sku) is None:
                log.warning("paid order names an unknown SKU", extra={"order_id": str(event.order_id), "sku": sku})
            elif found is None or found[0].status != "committed":
                log.error(
                    "paid order cannot be served from stock",
                    extra={"order_id": str(event.order_id), "sku": sku, "quantity": quantity},
                )
            continue
        product_ids.append(shipped.product_id)
        uow.publish(stock_changed(shipped.product_id, sku, shipped.on_hand, shipped.reserved, "sold"))
    if found is not None:
        uow.products.set_reservation_status(event.order_id, "committed")
    uow.products.queue_for_index(product_ids)


def on_order_cancelled(event: OrderCancelled, uow: CatalogUnitOfWork) -> None:
    _release_in(uow, event.order_id, "released")


def on_item_restocked(event: ItemRestocked, uow: CatalogUnitOfWork) -> None:
    """A returned unit passed sanitization: one more on hand, and its certificate kept for the page."""
    found = uow.products.variant_with_product(event.sku, for_update=True)
    if found is None:
        # Nothing to restock into; retrying would never help, so log and let it be acked.
        log.warning("restocked item names an unknown SKU", extra={"sku": event.sku, "item_id": str(event.item_id)})
        return
    recorded = uow.products.add_returned_unit(
        item_id=event.item_id,
        return_id=event.return_id,
        variant_sku=event.sku,
        certificate_id=event.certificate_id,
        sanitized_at=event.sanitized_at,
        method=event.method,
    )
    if not recorded:
        return  # the same unit twice (another message id): one unit, once
    moved = uow.products.add_on_hand(event.sku, 1)
    assert moved is not None
    uow.products.record_adjustment(
        sku=event.sku,
        delta=1,
        on_hand_after=moved.on_hand,
        reason=f"returned unit restocked, certificate {event.certificate_id}",
        actor="returns",
    )
    uow.publish(stock_changed(moved.product_id, event.sku, moved.on_hand, moved.reserved, "returned"))
    uow.products.queue_for_index([moved.product_id])


def expire_reservations(uow_factory: Callable[[], CatalogUnitOfWork], batch: int = 100) -> int:
    """Release held reservations past their expiry; safe with several workers (SKIP LOCKED)."""
    released = 0
    while True:
        with uow_factory() as uow:
            claimed = uow.products.claim_expired_reservations(batch)
            for reservation_id in claimed:
                if _release_in(uow, reservation_id, "expired"):
                    released += 1
            uow.commit()
        if len(claimed) < batch:
            return released
