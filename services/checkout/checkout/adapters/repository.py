"""Repositories: the only code that queries checkout's tables for domain objects."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from checkout.adapters.orm import carts, orders, refunds, stripe_events
from checkout.domain.model import Cart, CartStatus, Order, Refund, RefundStatus


class CartRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, cart: Cart) -> None:
        self.session.add(cart)

    def get(self, cart_id: uuid.UUID, *, for_update: bool = False) -> Cart | None:
        query = select(Cart).where(Cart.id == cart_id)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update(of=carts)
        return self.session.scalars(query).unique().one_or_none()

    def check_out(self, cart_id: uuid.UUID, *, placement_order_id: uuid.UUID, at: datetime) -> bool:
        """Mark the cart checked out if it is still open with this placement id (so with the lines
        the order was priced from): one conditional UPDATE, which also takes the row lock that
        line changes wait for. False when the cart moved on."""
        checked_out = self.session.execute(
            update(carts)
            .where(
                carts.c.id == cart_id,
                carts.c.status == CartStatus.OPEN,
                carts.c.placement_order_id == placement_order_id,
            )
            .values(status=CartStatus.CHECKED_OUT, updated_at=at)
            .returning(carts.c.id)
        ).first()
        return checked_out is not None


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, order: Order) -> None:
        self.session.add(order)

    def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None:
        query = select(Order).where(Order.id == order_id)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update(of=orders)
        return self.session.scalars(query).unique().one_or_none()

    def by_number(self, number: str) -> Order | None:
        return self.session.scalars(select(Order).where(Order.number == number)).unique().one_or_none()  # type: ignore[arg-type]

    def by_cart(self, cart_id: uuid.UUID) -> Order | None:
        return self.session.scalars(select(Order).where(Order.cart_id == cart_id)).unique().one_or_none()  # type: ignore[arg-type]

    def expired_pending_ids(self, at: datetime, limit: int = 50) -> list[uuid.UUID]:
        query = (
            select(orders.c.id)
            .where(orders.c.status == "pending_payment", orders.c.reservation_expires_at <= at)
            .order_by(orders.c.reservation_expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(query))


class RefundRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_if_new(self, refund: Refund) -> bool:
        """Insert unless a refund for the same return exists; True when inserted."""
        inserted = self.session.execute(
            insert(refunds)
            .values(
                id=refund.id,
                order_id=refund.order_id,
                return_id=refund.return_id,
                amount_minor=refund.amount_minor,
                currency=refund.currency,
                status=refund.status,
                attempts=refund.attempts,
                last_error=refund.last_error,
                next_attempt_at=refund.next_attempt_at,
                created_at=refund.created_at,
                updated_at=refund.updated_at,
            )
            .on_conflict_do_nothing(index_elements=["return_id"])
            .returning(refunds.c.id)
        ).first()
        return inserted is not None

    def get(self, refund_id: uuid.UUID, *, for_update: bool = False) -> Refund | None:
        query = select(Refund).where(Refund.id == refund_id)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def by_return(self, return_id: uuid.UUID) -> Refund | None:
        return self.session.scalars(select(Refund).where(Refund.return_id == return_id)).one_or_none()  # type: ignore[arg-type]

    def committed_minor(self, order_id: uuid.UUID, *, excluding: uuid.UUID | None = None) -> int:
        """Refunds of an order that are done or under way (pending or succeeded)."""
        query = select(func.coalesce(func.sum(refunds.c.amount_minor), 0)).where(
            refunds.c.order_id == order_id,
            refunds.c.status.in_([RefundStatus.PENDING, RefundStatus.SUCCEEDED]),
        )
        if excluding is not None:
            query = query.where(refunds.c.id != excluding)
        return int(self.session.execute(query).scalar_one())

    def due_ids(self, at: datetime, limit: int = 20) -> list[uuid.UUID]:
        query = (
            select(refunds.c.id)
            .where(refunds.c.status == RefundStatus.PENDING, refunds.c.next_attempt_at <= at)
            .order_by(refunds.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(query))

    def list(self, *, status: str | None = None, limit: int = 100) -> list[Refund]:
        query = select(Refund).order_by(refunds.c.created_at.desc()).limit(limit)
        if status:
            query = query.where(refunds.c.status == status)
        return list(self.session.scalars(query))


class StripeEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_if_new(self, *, event_id: str, event_type: str, payment_intent_id: str | None, payload: Any) -> bool:
        inserted = self.session.execute(
            insert(stripe_events)
            .values(id=event_id, type=event_type, payment_intent_id=payment_intent_id, payload=payload)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(stripe_events.c.id)
        ).first()
        return inserted is not None

    def claim(self, event_id: str) -> Any | None:
        """Lock one unprocessed event (others working on it are skipped, not waited for)."""
        return self.session.execute(
            select(stripe_events)
            .where(stripe_events.c.id == event_id, stripe_events.c.processed_at.is_(None))
            .with_for_update(skip_locked=True)
        ).first()

    def unprocessed_ids(self, *, older_than: datetime, limit: int = 50) -> list[str]:
        query = (
            select(stripe_events.c.id)
            .where(stripe_events.c.processed_at.is_(None), stripe_events.c.received_at <= older_than)
            # Least-tried first, so events deferred again and again never starve new ones.
            .order_by(stripe_events.c.attempts, stripe_events.c.received_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def mark(self, event_id: str, *, outcome: str, processed: bool, error: str | None = None) -> None:
        values: dict[str, Any] = {"outcome": outcome, "attempts": stripe_events.c.attempts + 1, "last_error": error}
        if processed:
            values["processed_at"] = func.now()
        self.session.execute(update(stripe_events).where(stripe_events.c.id == event_id).values(**values))
