"""What returns does, as plain functions over a unit of work. Time comes in as `now` (from the
container's clock), so tests move it instead of sleeping."""

import hashlib
import hmac
import secrets
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert

from returns.adapters.orm import refund_results
from returns.domain import eligibility, ledger
from returns.domain.eligibility import LineEligibility, RequestedLine
from returns.domain.model import (
    Actor,
    ItemState,
    Order,
    OrderLine,
    ReturnItem,
    ReturnRequest,
    SanitizationLot,
    Transition,
)
from returns.domain.policy import ReturnsPolicy
from returns.domain.refunds import quote
from returns.service_layer.unit_of_work import ReturnsUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.events.contracts import (
    ItemDisposed,
    ItemInspected,
    ItemQuarantined,
    ItemRestocked,
    ItemSanitized,
    OrderPaid,
    OrderRefunded,
    RefundApproved,
    ReturnLine,
    ReturnReceived,
    ReturnRequested,
)
from vitrine_shared.problems import Conflict, NotFound, Unprocessable

SHOPPER = Actor(subject="shopper", name=None)
_RMA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone
_NO_SUCH_ORDER = "No order matches this order number and email (or order token)."
_NO_SUCH_RETURN = "No return matches this id and token."

# --- consumed events -------------------------------------------------------------------------


def record_paid_order(event: OrderPaid, uow: ReturnsUnitOfWork) -> None:
    """Keep our own copy of a paid order: returns never asks checkout at request time."""
    if uow.orders.get(event.order_id) is not None:
        return  # the same order announced again (a replay with a new event id): one copy
    order = Order(
        id=event.order_id,
        order_number=event.order_number.strip(),
        customer_email=event.customer_email.strip().lower(),
        province=event.province,
        currency=event.currency,
        subtotal_minor=event.subtotal_minor,
        tax_minor=event.tax_minor,
        shipping_minor=event.shipping_minor,
        total_minor=event.total_minor,
        paid_at=event.paid_at,
        order_token_digest=event.order_token_digest,
        lines=[
            OrderLine(
                order_id=event.order_id,
                line_no=index,
                sku=line.sku,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                tax_minor=line.tax_minor,
                hygiene_class=line.hygiene_class,
                final_sale=line.final_sale,
                category=line.category,
            )
            for index, line in enumerate(event.lines, start=1)
        ],
    )
    uow.orders.add(order)


def record_refund_result(event: OrderRefunded, uow: ReturnsUnitOfWork) -> None:
    """Checkout says how a refund went; one row per refund id, whatever the redeliveries."""
    inserted = uow.session.execute(
        insert(refund_results)
        .values(
            refund_id=event.refund_id,
            order_id=event.order_id,
            return_id=event.return_id,
            amount_minor=event.amount_minor,
            currency=event.currency,
            status=event.status,
        )
        .on_conflict_do_nothing()
        .returning(refund_results.c.refund_id)
    ).first()
    if inserted is None or event.return_id is None:
        return
    request = uow.returns.get(event.return_id, lock=True)
    if request is None:
        return
    request.refund_status = event.status
    if event.status == "succeeded":
        request.refunded_minor += event.amount_minor


# --- shopper portal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderForReturn:
    order: Order
    lines: list[LineEligibility]
    window_closes_at: datetime


def _order_for(
    uow: ReturnsUnitOfWork, order_number: str, email: str | None, *, order_token: str | None = None, lock: bool = False
) -> Order:
    """The order, proved by its number plus either the email it was paid with or the shopper's
    order token (the link checkout gave them)."""
    order = uow.orders.by_number(order_number.strip(), lock=lock)
    # Compared in constant time and answered alike, so an order number cannot be probed.
    if order_token is not None:
        expected = (order.order_token_digest if order else None) or "\0"
        matches = hmac.compare_digest(expected.encode(), capability_digest(order_token).encode())
    else:
        expected = order.customer_email if order else "\0"
        matches = hmac.compare_digest(expected.encode(), (email or "").strip().lower().encode())
    if order is None or not matches:
        raise NotFound(_NO_SUCH_ORDER)
    return order


def find_order(
    uow: ReturnsUnitOfWork,
    *,
    order_number: str,
    email: str | None,
    now: datetime,
    policy: ReturnsPolicy,
    order_token: str | None = None,
) -> OrderForReturn:
    with uow:
        order = _order_for(uow, order_number, email, order_token=order_token)
        returned = uow.orders.returned_quantities(order.id)
        return OrderForReturn(
            order=order,
            lines=eligibility.line_eligibility(order, returned, now, policy),
            window_closes_at=eligibility.window_closes_at(order, policy),
        )


def _new_rma_number() -> str:
    return "RMA-" + "".join(secrets.choice(_RMA_ALPHABET) for _ in range(8))


def _actor_stamp(actor: Actor) -> dict[str, str]:
    return {"subject": actor.subject, "initials": actor.initials}


def _record(uow: ReturnsUnitOfWork, transition: Transition) -> ledger.LedgerEntry:
    """Write a move into the item's ledger: who, when, from, to, details, chained to the last."""
    entry = ledger.next_entry(
        uow.ledger.head(transition.item_id),
        item_id=transition.item_id,
        kind=transition.to_state,
        at=transition.at,
        actor=_actor_stamp(transition.actor),
        data={"from": transition.from_state, **transition.details},
    )
    uow.ledger.append(entry, transition.to_state, transition.at)
    return entry


def request_return(
    uow: ReturnsUnitOfWork,
    *,
    order_number: str,
    email: str | None,
    lines: Sequence[RequestedLine],
    preference: str,
    comment: str,
    now: datetime,
    policy: ReturnsPolicy,
    order_token: str | None = None,
) -> tuple[ReturnRequest, str]:
    """Open an RMA; returns it and the shopper's return token (shown once, stored as a digest)."""
    with uow:
        # The order row is locked so two tabs cannot both return the last unit of a line.
        order = _order_for(uow, order_number, email, order_token=order_token, lock=True)
        returned = uow.orders.returned_quantities(order.id)
        eligibility.check_request(
            order, lines, preference=preference, already_returned=returned, now=now, policy=policy
        )
        capability = new_capability()
        request = ReturnRequest(
            order_id=order.id,
            order_number=order.order_number,
            rma_number=_new_rma_number(),
            preference=preference,
            token_digest=capability.digest,
            currency=order.currency,
            created_at=now,
            comment=comment.strip(),
        )
        for wanted in lines:
            line = order.line(wanted.line_no)
            assert line is not None  # checked by check_request
            for unit in range(wanted.quantity):
                request.items.append(
                    ReturnItem(
                        return_id=request.id,
                        order_id=order.id,
                        line_no=line.line_no,
                        sku=line.sku,
                        product_id=line.product_id,
                        hygiene_class=line.hygiene_class,
                        reason_code=wanted.reason_code,
                        unit_refund_minor=line.unit_refund_minor(returned.get(line.line_no, 0) + unit),
                        currency=order.currency,
                        state_entered_at=now,
                        seal_declared_intact=wanted.seal_intact,
                    )
                )
        uow.returns.add(request)
        uow.returns.flush()
        for item in request.items:
            _record(uow, Transition(item.id, "", ItemState.REQUESTED, SHOPPER, now, {"reason": item.reason_code}))
        uow.publish(
            ReturnRequested(
                return_id=request.id,
                rma_number=request.rma_number,
                order_id=order.id,
                lines=[
                    ReturnLine(sku=order.line(w.line_no).sku, quantity=w.quantity, reason_code=w.reason_code)  # type: ignore[union-attr]
                    for w in lines
                ],
            )
        )
        uow.commit()
        return request, capability.token


def return_for_shopper(uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, token: str | None) -> ReturnRequest:
    with uow:
        request = uow.returns.get(return_id)
        digest = capability_digest(token or "")
        if request is None or not hmac.compare_digest(request.token_digest, digest):
            raise NotFound(_NO_SUCH_RETURN)
        return request


_IMAGE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}


def sniff_image(data: bytes) -> str | None:
    """The image type the bytes themselves say, whatever the client claimed."""
    for content_type, signatures in _IMAGE_SIGNATURES.items():
        if any(data.startswith(signature) for signature in signatures):
            if content_type == "image/webp" and data[8:12] != b"WEBP":
                continue
            return content_type
    return None


def add_photo(
    uow: ReturnsUnitOfWork,
    *,
    return_id: uuid.UUID,
    token: str | None,
    declared_type: str | None,
    data: bytes,
    now: datetime,
    policy: ReturnsPolicy,
) -> uuid.UUID:
    if len(data) > policy.max_photo_bytes:
        raise Unprocessable("photo", f"at most {policy.max_photo_bytes // (1024 * 1024)} MiB")
    if not data:
        raise Unprocessable("photo", "empty")
    actual = sniff_image(data)
    if actual is None:
        raise Unprocessable("photo", "not a JPEG, PNG or WebP image")
    if declared_type and declared_type.split(";")[0].strip().lower() != actual:
        raise Unprocessable("content-type", f"the bytes are {actual}, not {declared_type}")
    with uow:
        request = uow.returns.get(return_id, lock=True)
        if request is None or not hmac.compare_digest(request.token_digest, capability_digest(token or "")):
            raise NotFound(_NO_SUCH_RETURN)
        if request.status != "requested":
            raise Conflict("Photos are taken only before the parcel is received.", current_state=request.status)
        if uow.returns.photo_count(request.id) >= policy.max_photos_per_return:
            raise Conflict(f"At most {policy.max_photos_per_return} photos per return.")
        photo_id = uuid.uuid4()
        uow.returns.add_photo(
            {
                "id": photo_id,
                "return_id": request.id,
                "content_type": actual,
                "size_bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "created_at": now,
            }
        )
        uow.commit()
        return photo_id


# --- ops: receive, inspect, quarantine -----------------------------------------------------------


@dataclass(frozen=True)
class Inspection:
    grade: str
    material: str
    seal_intact: bool | None = None
    notes: str = ""


def _return_by_rma(uow: ReturnsUnitOfWork, rma_number: str, *, lock: bool = False) -> ReturnRequest:
    request = uow.returns.by_rma(rma_number.strip().upper(), lock=lock)
    if request is None:
        raise NotFound(f"No return {rma_number}.")
    return request


def return_for_ops(uow: ReturnsUnitOfWork, *, rma_number: str) -> ReturnRequest:
    with uow:
        return _return_by_rma(uow, rma_number)


def receive_return(
    uow: ReturnsUnitOfWork,
    *,
    rma_number: str,
    actor: Actor,
    now: datetime,
    policy: ReturnsPolicy,
    dock_inspections: dict[uuid.UUID, Inspection] | None = None,
) -> ReturnRequest:
    """The parcel is scanned at the dock. Items graded there (the grade-A fast lane) are inspected
    in the same transaction, and their refund approved at receipt."""
    with uow:
        request = _return_by_rma(uow, rma_number, lock=True)
        for transition in request.receive(actor, now):
            _record(uow, transition)
        uow.publish(ReturnReceived(return_id=request.id, rma_number=request.rma_number, received_at=now))
        for item_id, inspection in (dock_inspections or {}).items():
            item = next((i for i in request.items if i.id == item_id), None)
            if item is None:
                raise Unprocessable("dock_inspections", f"item {item_id} is not in return {request.rma_number}")
            _inspect(uow, item, inspection, actor=actor, now=now, policy=policy)
        if dock_inspections:
            approve_refund(uow, request, now=now, policy=policy)
        uow.commit()
        return request


def _locked_item(uow: ReturnsUnitOfWork, item_id: uuid.UUID) -> tuple[ReturnRequest, ReturnItem]:
    item = uow.returns.item(item_id)
    if item is None:
        raise NotFound(f"No returned item {item_id}.")
    request = uow.returns.get(item.return_id, lock=True)  # the return row serializes its items' moves
    assert request is not None
    uow.session.refresh(item, with_for_update=True)
    return request, item


def _inspect(
    uow: ReturnsUnitOfWork,
    item: ReturnItem,
    inspection: Inspection,
    *,
    actor: Actor,
    now: datetime,
    policy: ReturnsPolicy,
) -> None:
    transition = item.inspect(
        grade=inspection.grade,
        seal_intact=inspection.seal_intact,
        material=inspection.material,
        policy=policy,
        actor=actor,
        now=now,
    )
    if inspection.notes:
        transition.details["notes"] = inspection.notes[:500]
    _record(uow, transition)
    uow.publish(
        ItemInspected(
            item_id=item.id,
            return_id=item.return_id,
            sku=item.sku,
            grade=inspection.grade,  # type: ignore[arg-type]
            seal_intact=inspection.seal_intact,
        )
    )


def inspect_item(
    uow: ReturnsUnitOfWork,
    *,
    item_id: uuid.UUID,
    inspection: Inspection,
    actor: Actor,
    now: datetime,
    policy: ReturnsPolicy,
) -> ReturnItem:
    with uow:
        request, item = _locked_item(uow, item_id)
        _inspect(uow, item, inspection, actor=actor, now=now, policy=policy)
        approve_refund(uow, request, now=now, policy=policy)
        uow.commit()
        return item


def quarantine_item(
    uow: ReturnsUnitOfWork, *, item_id: uuid.UUID, actor: Actor, now: datetime, policy: ReturnsPolicy
) -> ReturnItem:
    with uow:
        _, item = _locked_item(uow, item_id)
        _record(uow, item.quarantine(policy=policy, actor=actor, now=now))
        assert item.quarantined_until is not None
        uow.publish(ItemQuarantined(item_id=item.id, sku=item.sku, quarantined_until=item.quarantined_until))
        uow.commit()
        return item


# --- ops: sanitization lots --------------------------------------------------------------------


def open_lot(
    uow: ReturnsUnitOfWork,
    *,
    item_ids: Sequence[uuid.UUID],
    method: str,
    parameters: dict[str, Any],
    started_at: datetime | None,
    actor: Actor,
    now: datetime,
    policy: ReturnsPolicy,
    result: tuple[bool, datetime | None] | None = None,
) -> tuple[SanitizationLot, list[ReturnItem]]:
    """Start a lot over quarantined items; all of them join, or none (409 naming the first that
    is not in quarantine). With a `result` (passed, ended_at) the finished lot is recorded in the
    same transaction."""
    wanted = list(dict.fromkeys(item_ids))
    if not wanted:
        raise Unprocessable("item_ids", "a lot needs at least one item")
    with uow:
        items = uow.returns.items(wanted, lock=True)
        missing = set(wanted) - {item.id for item in items}
        if missing:
            raise Unprocessable("item_ids", f"unknown items: {', '.join(sorted(map(str, missing)))}")
        lot = SanitizationLot(
            lot_code=f"LOT-{now:%Y%m%d}-{secrets.token_hex(3).upper()}",
            method=method,
            operator_subject=actor.subject,
            operator_initials=actor.initials,
            started_at=started_at or now,
            parameters=parameters,
            item_count=len(items),
        )
        for item in items:
            _record(uow, item.join_lot(lot, actor, now))
        uow.lots.add(lot, [item.id for item in items])
        if result is not None:
            passed, ended_at = result
            _finish_lot(
                uow,
                lot,
                items,
                passed=passed,
                ended_at=ended_at or now,
                parameters=None,
                actor=actor,
                now=now,
                policy=policy,
            )
        uow.commit()
        return lot, items


def _finish_lot(
    uow: ReturnsUnitOfWork,
    lot: SanitizationLot,
    items: Sequence[ReturnItem],
    *,
    passed: bool,
    ended_at: datetime,
    parameters: dict[str, Any] | None,
    actor: Actor,
    now: datetime,
    policy: ReturnsPolicy,
) -> None:
    lot.complete(passed=passed, ended_at=ended_at, parameters=parameters)
    for item in items:
        _record(uow, item.finish_sanitization(lot, policy=policy, actor=actor, now=now))
        uow.publish(
            ItemSanitized(item_id=item.id, sku=item.sku, lot_id=lot.id, method=lot.method, passed=lot.passed)  # type: ignore[arg-type]
        )
        if not lot.passed:
            assert item.quarantined_until is not None
            uow.publish(ItemQuarantined(item_id=item.id, sku=item.sku, quarantined_until=item.quarantined_until))


def complete_lot(
    uow: ReturnsUnitOfWork,
    *,
    lot_id: uuid.UUID,
    passed: bool,
    ended_at: datetime | None,
    parameters: dict[str, Any] | None,
    actor: Actor,
    now: datetime,
    policy: ReturnsPolicy,
) -> tuple[SanitizationLot, list[ReturnItem]]:
    """Record a lot's result. Passing: its items are sanitized. Failing: every item goes back to
    quarantine with a fresh period (recall)."""
    with uow:
        lot = uow.lots.get(lot_id, lock=True)
        if lot is None:
            raise NotFound(f"No sanitization lot {lot_id}.")
        items = uow.returns.items_of_lot(lot.id, lock=True)
        _finish_lot(
            uow,
            lot,
            items,
            passed=passed,
            ended_at=ended_at or now,
            parameters=parameters,
            actor=actor,
            now=now,
            policy=policy,
        )
        uow.commit()
        return lot, items


def lot_details(uow: ReturnsUnitOfWork, *, lot_id: uuid.UUID) -> tuple[SanitizationLot, list[ReturnItem]]:
    with uow:
        lot = uow.lots.get(lot_id)
        if lot is None:
            raise NotFound(f"No sanitization lot {lot_id}.")
        return lot, uow.returns.items_of_lot(lot.id)


# --- ops: dispositions ---------------------------------------------------------------------------


def restock_item(
    uow: ReturnsUnitOfWork, *, item_id: uuid.UUID, actor: Actor, now: datetime, policy: ReturnsPolicy
) -> ReturnItem:
    """Back on sale, only after the quarantine has elapsed and a passing sanitization is recorded;
    the restock ledger entry names the certificate."""
    with uow:
        request, item = _locked_item(uow, item_id)
        entry = _record(uow, item.restock(policy=policy, actor=actor, now=now))
        item.certificate_id = ledger.certificate_id_for(entry.hash)
        lot = uow.lots.get(item.lot_id) if item.lot_id else None
        assert lot is not None and item.sanitized_at is not None  # a sanitized item has both
        request.settle_if_done()
        uow.publish(
            ItemRestocked(
                item_id=item.id,
                return_id=item.return_id,
                sku=item.sku,
                certificate_id=item.certificate_id,
                sanitized_at=item.sanitized_at,
                method=lot.method,  # type: ignore[arg-type]
            )
        )
        uow.commit()
        return item


def dispose_item(
    uow: ReturnsUnitOfWork, *, item_id: uuid.UUID, disposition: str, actor: Actor, now: datetime
) -> ReturnItem:
    with uow:
        request, item = _locked_item(uow, item_id)
        _record(uow, item.dispose(disposition, actor=actor, now=now))
        request.settle_if_done()
        uow.publish(ItemDisposed(item_id=item.id, sku=item.sku, disposition=disposition))  # type: ignore[arg-type]
        uow.commit()
        return item


# --- refunds -----------------------------------------------------------------------------------


def approve_refund(
    uow: ReturnsUnitOfWork, request: ReturnRequest, *, now: datetime, policy: ReturnsPolicy
) -> uuid.UUID | None:
    """Approve the return's refund, once, inside the caller's transaction.

    Policy: the approval leaves when every unit of the return carries a grade: at receipt when
    the whole parcel was graded at the dock (the grade-A fast lane), after inspection of its last
    unit otherwise. It covers the units with a refundable grade (A, B, C; a sealed hygiene unit
    only with its seal intact). One approval per return, because checkout refunds once per return
    id. Exchanges and store credit are settled by people (no event)."""
    if request.preference != "refund" or any(item.grade is None for item in request.items):
        return None
    # The order row serializes approvals of one order, so shipping is added once.
    order = uow.orders.get(request.order_id, lock=True)
    assert order is not None
    if uow.returns.has_approval(request.id):
        return None
    refundable = [item for item in request.items if item.refundable(policy)]
    if not refundable or uow.returns.approved_item_ids([item.id for item in refundable]):
        return None
    priced = quote(order, refundable, shipping_already_refunded=uow.returns.shipping_refunded(order.id), policy=policy)
    approval_id = uuid.uuid4()
    uow.returns.add_approval(
        {
            "id": approval_id,
            "return_id": request.id,
            "order_id": order.id,
            "amount_minor": priced.amount_minor,
            "currency": order.currency,
            "includes_shipping": priced.includes_shipping,
            "created_at": now,
        },
        [item.id for item in refundable],
    )
    counted = Counter((item.sku, item.reason_code) for item in refundable)
    uow.publish(
        RefundApproved(
            return_id=request.id,
            order_id=order.id,
            amount_minor=priced.amount_minor,
            currency=order.currency,
            lines=[ReturnLine(sku=sku, quantity=n, reason_code=reason) for (sku, reason), n in sorted(counted.items())],
            approval_id=approval_id,
        )
    )
    return approval_id


def retry_refund_approval(
    uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, now: datetime, policy: ReturnsPolicy
) -> uuid.UUID | None:
    """Approve again what may not have been approved (a retry, a replayed command): a return
    already approved is left alone, so this is safe to repeat."""
    with uow:
        request = uow.returns.get(return_id, lock=True)
        if request is None:
            raise NotFound(f"No return {return_id}.")
        approval = approve_refund(uow, request, now=now, policy=policy)
        uow.commit()
        return approval
