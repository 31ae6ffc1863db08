"""The order's state machine and the refund checks."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from checkout.domain.model import Order, OrderStatus, Refund, RefundStatus
from vitrine_shared.problems import Conflict, IllegalTransition, Unprocessable

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def order(total: int = 10000) -> Order:
    return Order(
        id=uuid.uuid4(),
        number="VT-TEST0001",
        token_digest="d",
        cart_id=uuid.uuid4(),
        email="a@b.ca",
        province="QC",
        shipping_address={},
        currency="CAD",
        subtotal_minor=total,
        shipping_minor=0,
        tax_minor=0,
        total_minor=total,
        reservation_expires_at=NOW + timedelta(minutes=30),
    )


def test_pending_to_paid_once() -> None:
    o = order()
    assert o.mark_paid(payment_intent_id="pi_1", amount_minor=10000, at=NOW) is True
    assert o.status == OrderStatus.PAID
    assert o.mark_paid(payment_intent_id="pi_1", amount_minor=10000, at=NOW) is False  # duplicate: no effect


def test_paid_with_the_wrong_amount_is_refused() -> None:
    with pytest.raises(Conflict):
        order().mark_paid(payment_intent_id="pi_1", amount_minor=9999, at=NOW)


def test_a_decline_keeps_the_order_pending_with_the_reason() -> None:
    o = order()
    assert o.record_decline("Your card was declined.")
    assert o.status == OrderStatus.PENDING_PAYMENT
    assert o.payment_error == "Your card was declined."
    o.mark_paid(payment_intent_id="pi_2", amount_minor=10000, at=NOW)
    assert o.payment_error is None


def test_cancelled_cannot_be_paid_and_paid_cannot_be_cancelled() -> None:
    cancelled = order()
    assert cancelled.cancel("reservation_expired", at=NOW)
    assert not cancelled.cancel("again", at=NOW)
    with pytest.raises(IllegalTransition):
        cancelled.mark_paid(payment_intent_id="pi", amount_minor=10000, at=NOW)
    paid = order()
    paid.mark_paid(payment_intent_id="pi", amount_minor=10000, at=NOW)
    with pytest.raises(IllegalTransition):
        paid.cancel("late", at=NOW)


def test_partial_then_full_refund() -> None:
    o = order()
    o.mark_paid(payment_intent_id="pi", amount_minor=10000, at=NOW)
    o.check_refundable(4000, already_committed_minor=0)
    o.record_refund(4000)
    assert o.status == OrderStatus.PARTIALLY_REFUNDED
    o.check_refundable(6000, already_committed_minor=4000)
    o.record_refund(6000)
    assert o.status == OrderStatus.REFUNDED
    assert o.refundable_minor == 0


def test_over_refund_counts_earlier_and_pending_refunds() -> None:
    o = order()
    o.mark_paid(payment_intent_id="pi", amount_minor=10000, at=NOW)
    with pytest.raises(Conflict) as refused:
        o.check_refundable(6001, already_committed_minor=4000)
    assert refused.value.extensions["refundable_minor"] == 6000
    with pytest.raises(Unprocessable):
        o.check_refundable(0, already_committed_minor=0)


def test_an_unpaid_order_refunds_nothing() -> None:
    with pytest.raises(IllegalTransition):
        order().check_refundable(100, already_committed_minor=0)


def test_reservation_expiry_applies_to_pending_orders_only() -> None:
    o = order()
    assert not o.reservation_expired(NOW)
    assert o.reservation_expired(NOW + timedelta(minutes=30))
    o.mark_paid(payment_intent_id="pi", amount_minor=10000, at=NOW)
    assert not o.reservation_expired(NOW + timedelta(hours=1))


def test_a_failing_refund_backs_off_then_fails_for_good() -> None:
    r = Refund(order_id=uuid.uuid4(), return_id=uuid.uuid4(), amount_minor=100, currency="CAD")
    for attempt in range(1, Refund.MAX_ATTEMPTS):
        r.record_failure("boom", NOW)
        assert r.status == RefundStatus.PENDING
        assert r.next_attempt_at == NOW + timedelta(seconds=2**attempt)
    r.record_failure("boom", NOW)
    assert r.status == RefundStatus.FAILED
    r.retry_now(NOW)
    assert (r.status, r.attempts) == (RefundStatus.PENDING, 0)
