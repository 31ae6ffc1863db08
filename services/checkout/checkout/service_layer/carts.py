"""Carts: created anonymously, reached with their capability token (or by another Vitrine
service on the shopper's behalf), priced by the catalog, never by the client."""

import hmac
import uuid
from dataclasses import dataclass
from datetime import timedelta

from checkout.adapters.catalog import CatalogPort
from checkout.domain.model import Cart, Gone, ShippingRule, Totals, compute_totals, normalize_province, now_utc
from checkout.service_layer.unit_of_work import CheckoutUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.problems import Forbidden, NotFound, Unauthorized, Unprocessable


@dataclass(frozen=True)
class CartAccess:
    """Who opens the cart: its shopper (the capability token) or a Vitrine service."""

    token: str | None = None
    as_service: bool = False


@dataclass(frozen=True)
class CartView:
    cart: Cart
    totals: Totals


@dataclass(frozen=True)
class NewCart:
    cart: Cart
    token: str
    totals: Totals


def _open(uow: CheckoutUnitOfWork, cart_id: uuid.UUID, access: CartAccess, *, for_update: bool) -> Cart:
    if not access.as_service and not access.token:
        raise Unauthorized("This cart needs its X-Cart-Token header.")
    cart = uow.carts.get(cart_id, for_update=for_update)
    if cart is None:
        raise NotFound(f"No cart {cart_id}.")
    if not access.as_service and not hmac.compare_digest(cart.token_digest, capability_digest(access.token or "")):
        raise Forbidden("This cart token does not open this cart.")
    if cart.is_expired(now_utc()):
        raise Gone("This cart has expired; start a new one.")
    return cart


def _touch(cart: Cart, ttl_hours: int) -> None:
    cart.updated_at = now_utc()
    cart.expires_at = cart.updated_at + timedelta(hours=ttl_hours)


def _view(cart: Cart, province: str | None, shipping: ShippingRule) -> CartView:
    return CartView(cart, compute_totals(cart.lines, normalize_province(province) if province else None, shipping))


def create_cart(
    uow: CheckoutUnitOfWork,
    catalog: CatalogPort,
    shipping: ShippingRule,
    *,
    ttl_hours: int,
    lines: list[tuple[str, int]] = (),  # type: ignore[assignment]
) -> NewCart:
    capability = new_capability()
    at = now_utc()
    cart = Cart(token_digest=capability.digest, expires_at=at + timedelta(hours=ttl_hours))
    # Catalog first, database after: an unknown SKU or missing stock leaves nothing written.
    for sku, quantity in lines:
        cart.add(catalog.variant(sku), quantity)
    with uow:
        uow.carts.add(cart)
        uow.commit()
    return NewCart(cart, capability.token, compute_totals(cart.lines, None, shipping))


def get_cart(
    uow: CheckoutUnitOfWork,
    shipping: ShippingRule,
    *,
    cart_id: uuid.UUID,
    access: CartAccess,
    province: str | None = None,
) -> CartView:
    with uow:
        cart = _open(uow, cart_id, access, for_update=False)
        return _view(cart, province, shipping)


def add_line(
    uow: CheckoutUnitOfWork,
    catalog: CatalogPort,
    shipping: ShippingRule,
    *,
    cart_id: uuid.UUID,
    access: CartAccess,
    sku: str,
    quantity: int,
    ttl_hours: int,
) -> CartView:
    with uow:
        _open(uow, cart_id, access, for_update=False).check_open()
    variant = catalog.variant(sku)  # outside the transaction: no row lock held over HTTP
    with uow:
        cart = _open(uow, cart_id, access, for_update=True)
        cart.add(variant, quantity)
        _touch(cart, ttl_hours)
        uow.commit()
        return _view(cart, None, shipping)


def change_quantity(
    uow: CheckoutUnitOfWork,
    catalog: CatalogPort,
    shipping: ShippingRule,
    *,
    cart_id: uuid.UUID,
    access: CartAccess,
    sku: str,
    quantity: int,
    ttl_hours: int,
) -> CartView:
    with uow:
        cart = _open(uow, cart_id, access, for_update=False)
        cart.check_open()
        if cart.line_for(sku) is None:
            raise NotFound(f"SKU {sku} is not in this cart.", sku=sku)
    variant = catalog.variant(sku)
    with uow:
        cart = _open(uow, cart_id, access, for_update=True)
        cart.change_quantity(variant, quantity)
        _touch(cart, ttl_hours)
        uow.commit()
        return _view(cart, None, shipping)


def remove_line(
    uow: CheckoutUnitOfWork,
    shipping: ShippingRule,
    *,
    cart_id: uuid.UUID,
    access: CartAccess,
    sku: str,
    ttl_hours: int,
) -> CartView:
    with uow:
        cart = _open(uow, cart_id, access, for_update=True)
        cart.remove(sku)
        _touch(cart, ttl_hours)
        uow.commit()
        return _view(cart, None, shipping)


def set_consult_session(
    uow: CheckoutUnitOfWork,
    shipping: ShippingRule,
    *,
    cart_id: uuid.UUID,
    access: CartAccess,
    session_id: uuid.UUID | None,
    ttl_hours: int,
) -> CartView:
    with uow:
        cart = _open(uow, cart_id, access, for_update=True)
        cart.check_open()
        cart.consult_session_id = session_id
        _touch(cart, ttl_hours)
        uow.commit()
        return _view(cart, None, shipping)


def open_for_placement(uow: CheckoutUnitOfWork, cart_id: uuid.UUID, access: CartAccess, *, for_update: bool) -> Cart:
    """The cart an order is placed from, open and not empty (inside the caller's unit of work)."""
    cart = _open(uow, cart_id, access, for_update=for_update)
    cart.check_open()
    if not cart.lines:
        raise Unprocessable("cart", "the cart is empty")
    return cart
