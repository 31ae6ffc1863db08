"""Orders: placement (stock held in the catalog, a PaymentIntent at the processor), payment,
and the moves of the order's state machine, each with its event in the same transaction."""

import hmac
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from checkout.adapters.catalog import CatalogPort
from checkout.adapters.payments import (
    CardDeclined,
    Intent,
    IntentNotConfirmable,
    PaymentGateway,
    PaymentObjectNotFound,
)
from checkout.domain.model import (
    MAX_PAYMENT_ATTEMPTS,
    Cart,
    CartStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentDeclined,
    ShippingRule,
    compute_totals,
    new_order_number,
    normalize_email,
    normalize_province,
    now_utc,
    reservation_deadline,
)
from checkout.service_layer import carts
from checkout.service_layer.unit_of_work import CheckoutUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.events.contracts import OrderCancelled, OrderPaid, OrderPlaced
from vitrine_shared.events.contracts import OrderLine as OrderLineEvent
from vitrine_shared.problems import Conflict, Forbidden, IllegalTransition, NotFound, Unauthorized

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    token: str
    client_secret: str | None


def intent_idempotency_key(order_id: uuid.UUID, attempt: int) -> str:
    return f"checkout-order-{order_id}-intent-{attempt}"


def refund_idempotency_key(return_id: uuid.UUID) -> str:
    return f"checkout-refund-{return_id}"


def _event_lines(order: Order) -> list[OrderLineEvent]:
    return [
        OrderLineEvent(
            sku=line.sku,
            product_id=line.product_id,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            tax_minor=line.tax_minor,
            hygiene_class=line.hygiene_class,  # type: ignore[arg-type]
            final_sale=line.final_sale,
            category=line.category,
        )
        for line in order.lines
    ]


def _intent_metadata(
    order: Order | None, order_id: uuid.UUID, number: str, session: uuid.UUID | None
) -> dict[str, str]:
    metadata = {"order_id": str(order_id), "order_number": number}
    if session is not None:
        metadata["consult_session_id"] = str(session)
    return metadata


@dataclass(frozen=True)
class _CartToPlace:
    """What placement needs from the cart, read once at its start."""

    cart: Cart
    order_id: uuid.UUID
    wanted: list[tuple[str, int]]


def _cart_to_place(uow: CheckoutUnitOfWork, cart_id: uuid.UUID, access: carts.CartAccess) -> _CartToPlace:
    """Read without a lock: the lines' placement id is already chosen (a line change chooses it),
    and the commit re-checks it under the row lock. Only an older cart without one gets it here,
    once, under the lock."""
    with uow:
        cart = carts.open_for_placement(uow, cart_id, access, for_update=False)
    if cart.placement_order_id is None:
        with uow:
            cart = carts.open_for_placement(uow, cart_id, access, for_update=True)
            if cart.placement_order_id is None:
                cart.placement_order_id = uuid.uuid4()
                uow.commit()
    assert cart.placement_order_id is not None
    return _CartToPlace(cart, cart.placement_order_id, [(line.sku, line.quantity) for line in cart.lines])


def _give_back_hold(catalog: CatalogPort, order_id: uuid.UUID) -> None:
    """A placement that lost its race gives its stock back now, not at the hold's expiry."""
    try:
        catalog.release(order_id)
    except Exception:  # the hold still expires by itself; the placement's own error matters more
        log.exception("could not give back the hold of a failed placement", extra={"order_id": str(order_id)})


def _cancel_spent_intent(payments: PaymentGateway, intent_id: str) -> None:
    """An intent made for a placement that did not happen must not stay chargeable."""
    try:
        payments.cancel_intent(intent_id)
    except Exception:  # the placement's own error matters more; ops see this one in the log
        log.exception("could not cancel the intent of a failed placement", extra={"intent": intent_id})


def place_order(
    uow: CheckoutUnitOfWork,
    catalog: CatalogPort,
    payments: PaymentGateway,
    shipping: ShippingRule,
    *,
    cart_id: uuid.UUID,
    access: carts.CartAccess,
    email: str,
    province: str,
    shipping_address: dict[str, Any],
    reservation_ttl_seconds: int,
) -> PlacedOrder:
    address = normalize_email(email)
    province_code = normalize_province(province)
    placing = _cart_to_place(uow, cart_id, access)
    cart, order_id = placing.cart, placing.order_id
    session_id = cart.consult_session_id

    # 1. Hold the stock (all or none, under the order id, so a retry holds the same). The
    #    catalog answers the held variants as they are at the hold, so the prices are read again
    #    from the source of truth in that same call.
    reservation = catalog.reserve(order_id, placing.wanted, reservation_ttl_seconds)
    skus = [sku for sku, _ in placing.wanted]
    variants = reservation.variants
    if not all(sku in variants for sku in skus):  # a catalog that does not send them yet
        variants = {sku: catalog.variant(sku) for sku in skus}
    lines = cart.priced_lines(variants)
    totals = compute_totals(lines, province_code, shipping)
    number = new_order_number()
    # 2. The PaymentIntent, before anything is written: if the processor is down nothing is (the
    #    hold expires by itself), and a retry sends the same idempotency key.
    intent = payments.create_intent(
        amount_minor=totals.total_minor,
        currency=cart.currency,
        metadata=_intent_metadata(None, order_id, number, session_id),
        idempotency_key=intent_idempotency_key(order_id, 1),
    )

    capability = new_capability()
    at = now_utc()
    order = Order(
        id=order_id,
        number=number,
        token_digest=capability.digest,
        cart_id=cart.id,
        email=address,
        province=province_code,
        shipping_address=shipping_address,
        currency=cart.currency,
        subtotal_minor=totals.subtotal_minor,
        shipping_minor=totals.shipping_minor,
        tax_minor=totals.tax_minor,
        total_minor=totals.total_minor,
        reservation_expires_at=min(reservation.expires_at, reservation_deadline(at, reservation_ttl_seconds)),
        consult_session_id=session_id,
        created_at=at,
        payment_intent_id=intent.id,
        payment_attempts=1,
        lines=[
            OrderLine(
                sku=line.sku,
                product_id=line.product_id,
                name_fr=line.name_fr,
                name_en=line.name_en,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                tax_minor=tax,
                hygiene_class=line.hygiene_class,
                final_sale=line.final_sale,
                category=variants[line.sku].category,
            )
            for line, tax in zip(lines, totals.line_taxes, strict=True)
        ],
    )
    # 3. The order, its lines and its event, in one transaction with the cart's checkout, only if
    #    the cart is still the one that was priced.
    with uow:
        if not uow.carts.check_out(cart.id, placement_order_id=order_id, at=at):
            refusal = _why_not_placed(uow, cart.id, order_id, intent.id)
            if not refusal.intent_in_use:
                _cancel_spent_intent(payments, intent.id)
            if not refusal.order_exists:
                _give_back_hold(catalog, order_id)
            raise refusal.problem
        uow.orders.add(order)
        uow.publish(
            OrderPlaced(
                order_id=order.id,
                order_number=order.number,
                currency=order.currency,
                total_minor=order.total_minor,
                lines=_event_lines(order),
                consult_session_id=session_id,
            )
        )
        uow.commit()
    return PlacedOrder(order=order, token=capability.token, client_secret=intent.client_secret)


@dataclass(frozen=True)
class _Refusal:
    problem: Exception
    intent_in_use: bool  # an order placed by a concurrent request holds this very intent
    order_exists: bool  # ... or at least this order id, and so this very reservation


def _why_not_placed(uow: CheckoutUnitOfWork, cart_id: uuid.UUID, order_id: uuid.UUID, intent_id: str) -> _Refusal:
    cart = uow.carts.get(cart_id)
    if cart is not None and cart.status != CartStatus.OPEN:
        placed = uow.orders.get(order_id)
        # A double-click: both requests sent the same idempotency key, and Stripe answers the same
        # intent to both; the order that won holds it, so it must not be cancelled.
        in_use = placed is not None and placed.payment_intent_id == intent_id
        problem = IllegalTransition("This cart has already been checked out.", current_state=cart.status)
        return _Refusal(problem, in_use, order_exists=placed is not None)
    return _Refusal(Conflict("The cart changed while the order was being placed; place it again."), False, False)


def get_order(uow: CheckoutUnitOfWork, *, order_id: uuid.UUID, token: str | None) -> Order:
    if not token:
        raise Unauthorized("This order needs its X-Order-Token header.")
    with uow:
        order = uow.orders.get(order_id)
        if order is None:
            raise NotFound(f"No order {order_id}.")
        if not hmac.compare_digest(order.token_digest, capability_digest(token)):
            raise Forbidden("This order token does not open this order.")
        return order


def lookup_order(uow: CheckoutUnitOfWork, *, order_number: str, email: str) -> Order:
    """Order number and email together open an order; either alone opens nothing, and both
    mistakes get the same answer."""
    with uow:
        order = uow.orders.by_number(order_number.strip().upper())
        given = email.strip().lower().encode()
        expected = order.email.encode() if order else b"\0"
        if order is None or not hmac.compare_digest(expected, given):
            raise NotFound("No order with this number and email.")
        return order


def pay_order(
    uow: CheckoutUnitOfWork,
    payments: PaymentGateway,
    *,
    order_id: uuid.UUID,
    token: str | None,
    payment_method: str,
) -> Order:
    """Confirm payment with a payment method (a `pm_...` from Stripe.js, or a test one).

    A declined card leaves the order pending with the reason (402); the shopper tries another
    card. After a decline the intent is spent on Stripe's side for that attempt in some servers, so
    a retry uses a fresh PaymentIntent (the previous one is cancelled first: never two chargeable
    intents for one order)."""
    order = get_order(uow, order_id=order_id, token=token)
    order.check_payable()
    try:
        intent = _confirm_fresh_intent(payments, order, payment_method)
        if intent is None:
            intent = _confirm_or_renew(uow, payments, order, payment_method)
    except IntentNotConfirmable as moved:  # changed between our read and our confirm
        raise Conflict("The payment changed meanwhile; look at the order and try again.") from moved
    except CardDeclined as declined:
        order = _record_decline(uow, order_id, declined.reason, intent_id=declined.intent_id)
        raise PaymentDeclined(
            f"The card was declined: {declined.reason} Try another card.",
            reason=declined.reason,
            order_status=order.status,
        ) from declined
    if intent.status == "requires_action":
        raise PaymentDeclined(
            "The bank asks for authentication (3-D Secure), which this flow cannot do; try another card.",
            reason="requires_action",
            order_status=order.status,
        )
    return apply_intent(uow, intent)


def _confirm_fresh_intent(payments: PaymentGateway, order: Order, payment_method: str) -> Intent | None:
    """The first card for the intent made at placement: confirm it at once, without reading it
    first (it waits for a card unless the browser used it meanwhile). None when it does not
    wait for one: the caller then reads it and decides."""
    if order.payment_intent_id is None or order.payment_attempts != 1 or order.payment_error is not None:
        return None
    try:
        return payments.confirm_intent(order.payment_intent_id, payment_method=payment_method)
    except IntentNotConfirmable:
        return None


def _confirm_or_renew(uow: CheckoutUnitOfWork, payments: PaymentGateway, order: Order, payment_method: str) -> Intent:
    """The intent as it is now decides: paid or paying already, confirm it, or (spent by a
    decline, or cancelled) cancel it and confirm a new one (attempt n+1)."""
    order_id = order.id
    intent = payments.retrieve_intent(order.payment_intent_id) if order.payment_intent_id else None
    if intent is not None and intent.status in ("succeeded", "processing"):
        return intent
    if (
        intent is not None
        and intent.error is None
        and intent.status in ("requires_payment_method", "requires_confirmation")
    ):
        return payments.confirm_intent(intent.id, payment_method=payment_method)
    if intent is not None and intent.status != "canceled":
        payments.cancel_intent(intent.id)
    attempt = _next_attempt(uow, order_id, previous=intent.id if intent else None)
    intent = payments.create_intent(
        amount_minor=order.total_minor,
        currency=order.currency,
        metadata={
            **_intent_metadata(order, order.id, order.number, order.consult_session_id),
            "attempt": str(attempt),
        },
        idempotency_key=intent_idempotency_key(order.id, attempt),
        payment_method=payment_method,
    )
    _set_intent(uow, order_id, intent.id)
    return intent


def _next_attempt(uow: CheckoutUnitOfWork, order_id: uuid.UUID, *, previous: str | None) -> int:
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        order.check_payable()
        order.payment_attempts += 1
        attempt = order.payment_attempts
        uow.commit()
        return attempt


def _set_intent(uow: CheckoutUnitOfWork, order_id: uuid.UUID, intent_id: str) -> None:
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        if order.status == OrderStatus.PENDING_PAYMENT:
            order.payment_intent_id = intent_id
            uow.commit()


def _record_decline(uow: CheckoutUnitOfWork, order_id: uuid.UUID, reason: str, *, intent_id: str | None) -> Order:
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        order.record_decline(reason)
        if intent_id and order.status == OrderStatus.PENDING_PAYMENT:
            order.payment_intent_id = intent_id
        if order.status == OrderStatus.PENDING_PAYMENT and order.payment_attempts >= MAX_PAYMENT_ATTEMPTS:
            _cancel(uow, order, "payment_failed")
        uow.commit()
        return order


def apply_intent(uow: CheckoutUnitOfWork, intent: Intent) -> Order:
    """Bring the order in line with its PaymentIntent as the processor reports it now, in a unit
    of work of its own."""
    with uow:
        order = order_for_intent(uow, intent)
        if order is None:
            raise NotFound(f"No order for payment {intent.id}.")
        if apply_intent_to(uow, order, intent):
            uow.commit()
        return order


def order_for_intent(uow: CheckoutUnitOfWork, intent: Intent) -> Order | None:
    """The order an intent pays (from its metadata), locked; None when it is not committed yet."""
    order_id = _order_id_of(intent)
    return uow.orders.get(order_id, for_update=True) if order_id else None


def _order_id_of(intent: Intent) -> uuid.UUID | None:
    try:
        return uuid.UUID(intent.metadata.get("order_id", ""))
    except ValueError:
        return None


def apply_intent_to(uow: CheckoutUnitOfWork, order: Order, intent: Intent) -> bool:
    """Safe to repeat: an order already where the intent says changes nothing and raises no event."""
    at = now_utc()
    if intent.status == "succeeded":
        if order.status == OrderStatus.CANCELLED:
            # Money arrived for an order we gave up on (its stock is released): ops must refund.
            log.error("payment succeeded for a cancelled order", extra={"order_id": str(order.id), "intent": intent.id})
            return False
        if order.payment_intent_id not in (None, intent.id) and order.status != OrderStatus.PENDING_PAYMENT:
            log.error(
                "a second intent succeeded for a paid order", extra={"order_id": str(order.id), "intent": intent.id}
            )
            return False
        if intent.amount_minor != order.total_minor or intent.currency != order.currency:
            log.error(
                "intent amount differs from the order total; not marking paid",
                extra={"order_id": str(order.id), "intent": intent.id, "amount": intent.amount_minor},
            )
            return False
        if order.mark_paid(payment_intent_id=intent.id, amount_minor=intent.amount_minor, at=at):
            uow.publish(_paid_event(order))
            return True
        return False
    if intent.status == "requires_payment_method" and intent.error and intent.id == order.payment_intent_id:
        return order.record_decline(intent.error)
    return False


def _paid_event(order: Order) -> OrderPaid:
    assert order.paid_at is not None
    return OrderPaid(
        order_id=order.id,
        order_number=order.number,
        customer_email=order.email,
        province=order.province,
        currency=order.currency,
        subtotal_minor=order.subtotal_minor,
        tax_minor=order.tax_minor,
        shipping_minor=order.shipping_minor,
        total_minor=order.total_minor,
        paid_at=order.paid_at,
        lines=_event_lines(order),
        consult_session_id=order.consult_session_id,
        order_token_digest=order.token_digest,
    )


def _cancel(uow: CheckoutUnitOfWork, order: Order, reason: str) -> bool:
    if order.cancel(reason, at=now_utc()):
        uow.publish(
            OrderCancelled(order_id=order.id, order_number=order.number, reason=reason, lines=_event_lines(order))
        )
        return True
    return False


def _current_intent(payments: PaymentGateway, intent_id: str | None) -> Intent | None:
    """The intent as the processor sees it now; None when there is none, or when the processor
    no longer knows it (a wiped test account): nothing can have been paid through it then, and
    one such order must not hold up the expiry of all the others."""
    if intent_id is None:
        return None
    try:
        return payments.retrieve_intent(intent_id)
    except PaymentObjectNotFound:
        log.warning("payment intent unknown to the processor; expiring the order", extra={"intent_id": intent_id})
        return None


def expire_unpaid_orders(uow: CheckoutUnitOfWork, payments: PaymentGateway, *, at: datetime | None = None) -> int:
    """Cancel pending orders whose stock reservation ran out, unless the processor says they were
    paid after all. Several workers may run this at once (SKIP LOCKED), one order at a time."""
    moment = at or now_utc()
    done = 0
    with uow:
        due = uow.orders.expired_pending_ids(moment)
    for order_id in due:
        with uow:
            order = uow.orders.get(order_id, for_update=True)
            if order is None or not order.reservation_expired(moment):
                continue
            intent = _current_intent(payments, order.payment_intent_id)
            if intent is not None and intent.status == "succeeded":
                apply_intent_to(uow, order, intent)
            else:
                if intent is not None and intent.status not in ("canceled", "processing"):
                    payments.cancel_intent(intent.id)
                if intent is not None and intent.status == "processing":
                    continue  # the processor has not decided yet: look again next round
                _cancel(uow, order, "reservation_expired")
            uow.commit()
            done += 1
    return done
