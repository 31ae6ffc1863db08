"""Carts, orders and refunds, and the rules about them. No I/O here."""

import re
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from checkout.domain.taxes import TAX_TABLE, TaxLine, compute_taxes
from vitrine_shared.problems import Conflict, IllegalTransition, Problem, Unprocessable

CURRENCY = "CAD"
MAX_QUANTITY = 99  # per line
MAX_LINES = 50  # per cart
MAX_PAYMENT_ATTEMPTS = 5  # declined attempts before the order is cancelled for good
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")
_ORDER_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


class Gone(Problem):
    status, slug, title = 410, "expired", "Expired"


class InsufficientStock(Conflict):
    slug, title = "insufficient-stock", "Insufficient stock"


class PaymentDeclined(Problem):
    status, slug, title = 402, "payment-declined", "Payment declined"


def now_utc() -> datetime:
    return datetime.now(UTC)


def normalize_email(email: str) -> str:
    candidate = email.strip().lower()
    if not _EMAIL.match(candidate):
        raise Unprocessable("email", "not an email address")
    return candidate


def normalize_province(province: str) -> str:
    code = province.strip().upper()
    if code not in TAX_TABLE:
        raise Unprocessable("province", f"unknown province or territory code (one of {', '.join(sorted(TAX_TABLE))})")
    return code


def check_quantity(quantity: int, field_name: str = "quantity") -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Unprocessable(field_name, f"must be between 1 and {MAX_QUANTITY}")


def new_order_number() -> str:
    return "VT-" + "".join(secrets.choice(_ORDER_NUMBER_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class Variant:
    """What the catalog says about a SKU at the moment we ask."""

    sku: str
    product_id: uuid.UUID
    name_fr: str
    name_en: str
    price_minor: int
    currency: str
    available: int
    hygiene_class: str = "standard"
    final_sale: bool = False
    archived: bool = False
    category: str | None = None  # the product's main category (a catalog slug), when it has one


@dataclass(frozen=True)
class ShippingRule:
    """Flat rate, free from a subtotal threshold (both in minor units)."""

    flat_minor: int = 995
    free_from_minor: int = 10000

    def shipping_for(self, subtotal_minor: int) -> int:
        if subtotal_minor == 0 or subtotal_minor >= self.free_from_minor:
            return 0
        return self.flat_minor


@dataclass
class CartLine:
    sku: str
    product_id: uuid.UUID
    name_fr: str
    name_en: str
    quantity: int
    unit_price_minor: int
    hygiene_class: str = "standard"
    final_sale: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def amount_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    def refresh(self, variant: Variant) -> None:
        """The catalog is the source of truth for price and product facts."""
        self.product_id = variant.product_id
        self.name_fr, self.name_en = variant.name_fr, variant.name_en
        self.unit_price_minor = variant.price_minor
        self.hygiene_class, self.final_sale = variant.hygiene_class, variant.final_sale


@dataclass(frozen=True)
class Totals:
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    taxes: tuple[TaxLine, ...]
    line_taxes: tuple[int, ...]
    province: str | None


def compute_totals(lines: list[CartLine], province: str | None, shipping: ShippingRule) -> Totals:
    amounts = [line.amount_minor for line in lines]
    subtotal = sum(amounts)
    shipping_minor = shipping.shipping_for(subtotal)
    if province is None:
        # No destination yet: taxes are unknown, shown as zero until the shopper gives one.
        return Totals(subtotal, shipping_minor, 0, subtotal + shipping_minor, (), tuple(0 for _ in lines), None)
    taxes = compute_taxes(province, amounts, shipping_minor)
    return Totals(
        subtotal_minor=subtotal,
        shipping_minor=shipping_minor,
        tax_minor=taxes.total_minor,
        total_minor=subtotal + shipping_minor + taxes.total_minor,
        taxes=taxes.components,
        line_taxes=taxes.line_shares,
        province=province,
    )


class CartStatus(StrEnum):
    OPEN = "open"
    CHECKED_OUT = "checked_out"


@dataclass
class Cart:
    token_digest: str
    expires_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: str = CartStatus.OPEN
    currency: str = CURRENCY
    consult_session_id: uuid.UUID | None = None
    # The id the order of these exact lines will have, chosen when the lines change (carts from
    # before that rule get one when placement starts), so a retried placement reuses the same
    # order id (and so the same catalog reservation and the same payment idempotency key), and a
    # placement needs no write to learn it.
    placement_order_id: uuid.UUID | None = None
    lines: list[CartLine] = field(default_factory=list)
    created_at: datetime = field(default_factory=now_utc)
    updated_at: datetime = field(default_factory=now_utc)

    def is_expired(self, at: datetime) -> bool:
        return at >= self.expires_at

    def check_open(self) -> None:
        if self.status != CartStatus.OPEN:
            raise IllegalTransition("This cart has already been checked out.", current_state=self.status)

    def _lines_changed(self) -> None:
        # A placement id names a reservation of these exact lines; new lines need a new one. So an
        # unchanged id at commit time means unchanged lines.
        self.placement_order_id = uuid.uuid4()

    def priced_lines(self, variants: dict[str, Variant]) -> list["CartLine"]:
        """Copies of the lines at the catalog's current prices (the cart itself is not changed:
        placement reads it without a lock)."""
        priced = []
        for line in self.lines:
            copy = replace(line)
            copy.refresh(variants[line.sku])
            priced.append(copy)
        return priced

    def line_for(self, sku: str) -> CartLine | None:
        return next((line for line in self.lines if line.sku == sku), None)

    def add(self, variant: Variant, quantity: int) -> CartLine:
        self.check_open()
        check_quantity(quantity)
        if variant.archived:
            raise Conflict(f"SKU {variant.sku} is no longer sold.", sku=variant.sku)
        if variant.currency != self.currency:
            raise Conflict(f"SKU {variant.sku} is priced in {variant.currency}, the cart in {self.currency}.")
        line = self.line_for(variant.sku)
        wanted = quantity + (line.quantity if line else 0)
        check_quantity(wanted)
        check_available(variant, wanted)
        if line is None:
            if len(self.lines) >= MAX_LINES:
                raise Conflict(f"A cart holds at most {MAX_LINES} different items.", max_lines=MAX_LINES)
            line = CartLine(
                sku=variant.sku,
                product_id=variant.product_id,
                name_fr=variant.name_fr,
                name_en=variant.name_en,
                quantity=wanted,
                unit_price_minor=variant.price_minor,
            )
            self.lines.append(line)
        line.quantity = wanted
        line.refresh(variant)
        self._lines_changed()
        return line

    def change_quantity(self, variant: Variant, quantity: int) -> CartLine:
        self.check_open()
        check_quantity(quantity)
        line = self.line_for(variant.sku)
        if line is None:
            raise LineNotInCart(variant.sku)
        check_available(variant, quantity)
        line.quantity = quantity
        line.refresh(variant)
        self._lines_changed()
        return line

    def remove(self, sku: str) -> None:
        self.check_open()
        line = self.line_for(sku)
        if line is None:
            raise LineNotInCart(sku)
        self.lines.remove(line)
        self._lines_changed()


class LineNotInCart(Problem):
    status, slug, title = 404, "not-found", "Not found"

    def __init__(self, sku: str) -> None:
        super().__init__(f"SKU {sku} is not in this cart.", sku=sku)


def check_available(variant: Variant, quantity: int) -> None:
    if variant.available < quantity:
        raise InsufficientStock(
            f"Only {max(variant.available, 0)} of {variant.sku} available.",
            sku=variant.sku,
            available=max(variant.available, 0),
        )


# --- orders ----------------------------------------------------------------------------------


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


@dataclass
class OrderLine:
    sku: str
    product_id: uuid.UUID
    name_fr: str
    name_en: str
    quantity: int
    unit_price_minor: int
    tax_minor: int
    hygiene_class: str = "standard"
    final_sale: bool = False
    category: str | None = None  # as the catalog said at placement; events carry it
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class Order:
    id: uuid.UUID
    number: str
    token_digest: str
    cart_id: uuid.UUID
    email: str
    province: str
    shipping_address: dict[str, Any]
    currency: str
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    reservation_expires_at: datetime
    lines: list[OrderLine] = field(default_factory=list)
    status: str = OrderStatus.PENDING_PAYMENT
    consult_session_id: uuid.UUID | None = None
    payment_intent_id: str | None = None
    payment_attempts: int = 0
    payment_error: str | None = None
    captured_minor: int = 0
    refunded_minor: int = 0
    cancel_reason: str | None = None
    created_at: datetime = field(default_factory=now_utc)
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None

    # The moves of the state machine. Each returns True when it changed something, False when the
    # order is already where the move leads (a duplicate), and raises for an illegal move.

    def mark_paid(self, *, payment_intent_id: str, amount_minor: int, at: datetime) -> bool:
        if self.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED):
            return False
        if self.status != OrderStatus.PENDING_PAYMENT:
            raise IllegalTransition("A cancelled order cannot be paid.", current_state=self.status)
        if amount_minor != self.total_minor:
            raise Conflict(f"Captured {amount_minor}, expected {self.total_minor}: refusing to mark the order paid.")
        self.status = OrderStatus.PAID
        self.payment_intent_id = payment_intent_id
        self.captured_minor = amount_minor
        self.payment_error = None
        self.paid_at = at
        return True

    def record_decline(self, reason: str) -> bool:
        """A declined attempt: the order waits for another card, until too many declines."""
        if self.status != OrderStatus.PENDING_PAYMENT:
            return False
        self.payment_error = reason[:500]
        return True

    def check_payable(self) -> None:
        if self.status != OrderStatus.PENDING_PAYMENT:
            raise IllegalTransition(f"The order is {self.status}; it cannot be paid.", current_state=self.status)

    def cancel(self, reason: str, *, at: datetime) -> bool:
        if self.status == OrderStatus.CANCELLED:
            return False
        if self.status != OrderStatus.PENDING_PAYMENT:
            raise IllegalTransition(f"The order is {self.status}; it cannot be cancelled.", current_state=self.status)
        self.status = OrderStatus.CANCELLED
        self.cancel_reason = reason
        self.cancelled_at = at
        return True

    @property
    def refundable_minor(self) -> int:
        return self.captured_minor - self.refunded_minor

    def check_refundable(self, amount_minor: int, *, already_committed_minor: int) -> None:
        """`already_committed_minor`: refunds under way or done, counted against the captured sum
        even before Stripe confirmed them (so two approvals cannot both pass)."""
        if self.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
            raise IllegalTransition(f"The order is {self.status}; nothing to refund.", current_state=self.status)
        if amount_minor <= 0:
            raise Unprocessable("amount_minor", "must be positive")
        if amount_minor > self.captured_minor - already_committed_minor:
            raise Conflict(
                f"Refund of {amount_minor} exceeds what remains refundable "
                f"({self.captured_minor - already_committed_minor}).",
                refundable_minor=self.captured_minor - already_committed_minor,
            )

    def record_refund(self, amount_minor: int) -> None:
        self.refunded_minor += amount_minor
        self.status = (
            OrderStatus.REFUNDED if self.refunded_minor >= self.captured_minor else OrderStatus.PARTIALLY_REFUNDED
        )

    def reservation_expired(self, at: datetime) -> bool:
        return self.status == OrderStatus.PENDING_PAYMENT and at >= self.reservation_expires_at


def reservation_deadline(at: datetime, ttl_seconds: int) -> datetime:
    return at + timedelta(seconds=ttl_seconds)


# --- refunds ---------------------------------------------------------------------------------


class RefundStatus(StrEnum):
    PENDING = "pending"  # accepted; Stripe not yet called, or a call failed and will be retried
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # gave up after retries: ops must look (it can be retried by hand)
    REFUSED = "refused"  # our own checks said no (over-refund, order not paid)


@dataclass
class Refund:
    order_id: uuid.UUID
    return_id: uuid.UUID
    amount_minor: int
    currency: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: str = RefundStatus.PENDING
    stripe_refund_id: str | None = None
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime = field(default_factory=now_utc)
    created_at: datetime = field(default_factory=now_utc)
    updated_at: datetime = field(default_factory=now_utc)

    MAX_ATTEMPTS = 6

    def record_failure(self, error: str, at: datetime) -> None:
        self.attempts += 1
        self.last_error = error[:1000]
        self.updated_at = at
        if self.attempts >= self.MAX_ATTEMPTS:
            self.status = RefundStatus.FAILED
        else:
            self.next_attempt_at = at + timedelta(seconds=min(2**self.attempts, 300))

    def record_success(self, stripe_refund_id: str, at: datetime) -> None:
        self.status = RefundStatus.SUCCEEDED
        self.stripe_refund_id = stripe_refund_id
        self.attempts += 1
        self.last_error = None
        self.updated_at = at

    def retry_now(self, at: datetime) -> None:
        if self.status not in (RefundStatus.FAILED, RefundStatus.PENDING):
            raise IllegalTransition(f"The refund is {self.status}.", current_state=self.status)
        self.status = RefundStatus.PENDING
        self.attempts = 0
        self.next_attempt_at = at
        self.updated_at = at
