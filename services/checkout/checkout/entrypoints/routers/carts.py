import uuid
from typing import Annotated

from fastapi import Path, Query

from checkout.entrypoints.dependencies import CartAccessDep, ContainerDep
from checkout.entrypoints.schemas import (
    CartCreate,
    CartOut,
    ConsultSessionIn,
    LineIn,
    NewCartOut,
    QuantityIn,
    cart_out,
)
from checkout.service_layer import carts
from vitrine_shared.http import public_router

# Public: a cart is anonymous; every route but creation needs its token (or a service token).
router = public_router(prefix="/carts", tags=["carts"])

SkuPath = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
ProvinceQuery = Annotated[
    str | None, Query(min_length=2, max_length=2, description="Estimate taxes for this province.")
]


@router.post("", response_model=NewCartOut, status_code=201)
def create_cart(container: ContainerDep, body: CartCreate | None = None) -> NewCartOut:
    """A new anonymous cart, optionally with lines. The token in the answer is shown once."""
    lines = [(line.sku, line.quantity) for line in (body.lines if body else [])]
    created = carts.create_cart(
        container.uow(), container.catalog, container.shipping, ttl_hours=container.settings.cart_ttl_hours, lines=lines
    )
    view = cart_out(created.cart, created.totals)
    return NewCartOut(**view.model_dump(), cart_token=created.token)


@router.get("/{cart_id}", response_model=CartOut)
def read_cart(
    cart_id: uuid.UUID, access: CartAccessDep, container: ContainerDep, province: ProvinceQuery = None
) -> CartOut:
    view = carts.get_cart(container.uow(), container.shipping, cart_id=cart_id, access=access, province=province)
    return cart_out(view.cart, view.totals)


@router.post("/{cart_id}/lines", response_model=CartOut)
def add_line(cart_id: uuid.UUID, body: LineIn, access: CartAccessDep, container: ContainerDep) -> CartOut:
    """Add a SKU (or more of it). Price and availability come from the catalog."""
    view = carts.add_line(
        container.uow(),
        container.catalog,
        container.shipping,
        cart_id=cart_id,
        access=access,
        sku=body.sku,
        quantity=body.quantity,
        ttl_hours=container.settings.cart_ttl_hours,
    )
    return cart_out(view.cart, view.totals)


@router.put("/{cart_id}/lines/{sku}", response_model=CartOut)
def change_quantity(
    cart_id: uuid.UUID, sku: SkuPath, body: QuantityIn, access: CartAccessDep, container: ContainerDep
) -> CartOut:
    view = carts.change_quantity(
        container.uow(),
        container.catalog,
        container.shipping,
        cart_id=cart_id,
        access=access,
        sku=sku,
        quantity=body.quantity,
        ttl_hours=container.settings.cart_ttl_hours,
    )
    return cart_out(view.cart, view.totals)


@router.delete("/{cart_id}/lines/{sku}", response_model=CartOut)
def remove_line(cart_id: uuid.UUID, sku: SkuPath, access: CartAccessDep, container: ContainerDep) -> CartOut:
    view = carts.remove_line(
        container.uow(),
        container.shipping,
        cart_id=cart_id,
        access=access,
        sku=sku,
        ttl_hours=container.settings.cart_ttl_hours,
    )
    return cart_out(view.cart, view.totals)


@router.put("/{cart_id}/consult-session", response_model=CartOut)
def set_consult_session(
    cart_id: uuid.UUID, body: ConsultSessionIn, access: CartAccessDep, container: ContainerDep
) -> CartOut:
    """Attribute the cart (and its order) to a consultation; `null` detaches it."""
    view = carts.set_consult_session(
        container.uow(),
        container.shipping,
        cart_id=cart_id,
        access=access,
        session_id=body.session_id,
        ttl_hours=container.settings.cart_ttl_hours,
    )
    return cart_out(view.cart, view.totals)
