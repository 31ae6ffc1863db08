import uuid

from checkout.entrypoints.dependencies import CartAccessDep, ContainerDep, OrderTokenDep
from checkout.entrypoints.schemas import (
    OrderCreate,
    OrderLookup,
    OrderOut,
    PaymentIn,
    PlacedOrderOut,
    order_out,
    placed_order_out,
)
from checkout.service_layer import orders
from vitrine_shared.http import public_router

# Public: orders are reached with their token (or order number + email), never by id alone.
router = public_router(prefix="/orders", tags=["orders"])

PROBLEMS = {
    402: {"description": "The card was declined; the order waits for another card."},
    409: {"description": "Insufficient stock, or the order is not in a state that allows this."},
}


@router.post("", response_model=PlacedOrderOut, status_code=201, responses=PROBLEMS)
def place_order(body: OrderCreate, access: CartAccessDep, container: ContainerDep) -> PlacedOrderOut:
    """Place the cart (X-Cart-Token): stock is held, a PaymentIntent created; the answer carries
    the order token (shown once) and the client secret for Stripe.js."""
    placed = orders.place_order(
        container.uow(),
        container.catalog,
        container.payments,
        container.shipping,
        cart_id=body.cart_id,
        access=access,
        email=body.email,
        province=body.province,
        shipping_address=body.shipping_address.model_dump(),
        reservation_ttl_seconds=container.settings.reservation_ttl_seconds,
    )
    return placed_order_out(placed.order, placed.token, placed.client_secret)


@router.post("/lookup", response_model=OrderOut)
def lookup_order(body: OrderLookup, container: ContainerDep) -> OrderOut:
    return order_out(orders.lookup_order(container.uow(), order_number=body.order_number, email=body.email))


@router.get("/{order_id}", response_model=OrderOut)
def read_order(order_id: uuid.UUID, token: OrderTokenDep, container: ContainerDep) -> OrderOut:
    return order_out(orders.get_order(container.uow(), order_id=order_id, token=token))


@router.post("/{order_id}/payments", response_model=OrderOut, responses=PROBLEMS)
def pay_order(order_id: uuid.UUID, body: PaymentIn, token: OrderTokenDep, container: ContainerDep) -> OrderOut:
    """Confirm payment with a PaymentMethod (X-Order-Token). A decline answers 402 with the
    reason and leaves the order pending: send another card."""
    order = orders.pay_order(
        container.uow(), container.payments, order_id=order_id, token=token, payment_method=body.payment_method
    )
    return order_out(order)
