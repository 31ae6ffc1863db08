"""Refunds: an approval from returns becomes one refund per return (unique return id), checked
against what was captured minus earlier refunds (our own check: a payments server may not
enforce it), sent to the processor by the worker with retries, and always visible to ops."""

import logging
import uuid
from datetime import datetime

from checkout.adapters.payments import CardDeclined, PaymentGateway
from checkout.domain.model import Refund, RefundStatus, now_utc
from checkout.service_layer.orders import refund_idempotency_key
from checkout.service_layer.unit_of_work import CheckoutUnitOfWork
from vitrine_shared.events.contracts import OrderRefunded, RefundApproved
from vitrine_shared.problems import NotFound, Problem

log = logging.getLogger(__name__)


def _refunded_event(refund: Refund, refunded_total: int) -> OrderRefunded:
    return OrderRefunded(
        order_id=refund.order_id,
        return_id=refund.return_id,
        refund_id=refund.stripe_refund_id or str(refund.id),
        amount_minor=refund.amount_minor,
        currency=refund.currency,
        refunded_total_minor=refunded_total,
        status="succeeded" if refund.status == RefundStatus.SUCCEEDED else "failed",
    )


def on_refund_approved(event: RefundApproved, uow: CheckoutUnitOfWork) -> None:
    """Consumer handler (the consumer commits). Accepts the refund as pending, or refuses it with
    the reason; a second approval of the same return changes nothing."""
    if uow.refunds.by_return(event.return_id) is not None:
        log.info("refund approval for a known return; nothing to do", extra={"return_id": str(event.return_id)})
        return
    order = uow.orders.get(event.order_id, for_update=True)
    refund = Refund(
        order_id=event.order_id, return_id=event.return_id, amount_minor=event.amount_minor, currency=event.currency
    )
    try:
        if order is None:
            raise NotFound(f"No order {event.order_id}.")
        if event.currency != order.currency:
            raise Problem(f"Refund in {event.currency} for an order in {order.currency}.")
        order.check_refundable(event.amount_minor, already_committed_minor=uow.refunds.committed_minor(order.id))
    except Problem as refused:
        refund.status = RefundStatus.REFUSED
        refund.last_error = refused.detail
        log.warning("refund refused", extra={"return_id": str(event.return_id), "reason": refused.detail})
    if not uow.refunds.add_if_new(refund):
        return
    if refund.status == RefundStatus.REFUSED:
        uow.publish(_refunded_event(refund, order.refunded_minor if order else 0))


def process_due_refunds(uow: CheckoutUnitOfWork, payments: PaymentGateway, *, at: datetime | None = None) -> int:
    """Send due refunds to the processor, one transaction each (several workers: SKIP LOCKED)."""
    moment = at or now_utc()
    with uow:
        due = uow.refunds.due_ids(moment)
    for refund_id in due:
        try:
            send_refund(uow, payments, refund_id, at=moment)
        except Exception:
            log.exception("refund attempt crashed; retried next round", extra={"refund_id": str(refund_id)})
    return len(due)


def send_refund(
    uow: CheckoutUnitOfWork, payments: PaymentGateway, refund_id: uuid.UUID, *, at: datetime
) -> Refund | None:
    """One attempt; None when the refund is no longer due (another worker got there first)."""
    with uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund is None or refund.status != RefundStatus.PENDING or refund.next_attempt_at > at:
            return None
        order = uow.orders.get(refund.order_id, for_update=True)
        assert order is not None and order.payment_intent_id is not None
        try:
            # Our own guard against a second refund for one return, for servers that ignore
            # idempotency keys: look for one carrying this return id before creating one.
            existing = next(
                (
                    found
                    for found, metadata in payments.refunds_for(order.payment_intent_id)
                    if metadata.get("return_id") == str(refund.return_id)
                ),
                None,
            )
            result = existing or payments.refund(
                intent_id=order.payment_intent_id,
                amount_minor=refund.amount_minor,
                idempotency_key=refund_idempotency_key(refund.return_id),
                metadata={"return_id": str(refund.return_id), "order_id": str(order.id)},
            )
            if result.status not in ("succeeded", "pending"):
                raise RuntimeError(f"the processor answered {result.status}")
        except (Problem, CardDeclined, RuntimeError, Exception) as exc:  # noqa: BLE001 - recorded, retried, shown to ops
            refund.record_failure(f"{type(exc).__name__}: {exc}", now_utc())
            if refund.status == RefundStatus.FAILED:
                uow.publish(_refunded_event(refund, order.refunded_minor))
                log.error("refund failed for good; ops must act", extra={"refund_id": str(refund.id)})
            uow.commit()
            return refund
        refund.record_success(result.id, now_utc())
        order.record_refund(refund.amount_minor)
        uow.publish(_refunded_event(refund, order.refunded_minor))
        uow.commit()
        return refund


def list_refunds(uow: CheckoutUnitOfWork, *, status: str | None = None, limit: int = 100) -> list[Refund]:
    with uow:
        return uow.refunds.list(status=status, limit=limit)


def retry_refund(uow: CheckoutUnitOfWork, refund_id: uuid.UUID) -> Refund:
    """Ops sends a failed refund back to the queue; the worker picks it up within seconds."""
    with uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund is None:
            raise NotFound(f"No refund {refund_id}.")
        refund.retry_now(now_utc())
        uow.commit()
        return refund
