"""Reads and writes of the returns database. Methods that lead to a change lock what they read
(`FOR UPDATE`), so two operators scanning the same box cannot both move an item."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session

from returns.adapters.orm import (
    dev_clock,
    item_ledger,
    lot_items,
    refund_approval_items,
    refund_approvals,
    return_items,
    return_photos,
    returns,
)
from returns.domain.ledger import LedgerEntry
from returns.domain.model import Order, ReturnItem, ReturnRequest, SanitizationLot


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, order: Order) -> None:
        self.session.add(order)

    def get(self, order_id: uuid.UUID, *, lock: bool = False) -> Order | None:
        query = select(Order).where(Order.id == order_id)  # type: ignore[arg-type]
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def by_number(self, order_number: str, *, lock: bool = False) -> Order | None:
        query = select(Order).where(Order.order_number == order_number)  # type: ignore[arg-type]
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def returned_quantities(self, order_id: uuid.UUID) -> dict[int, int]:
        rows = self.session.execute(
            select(return_items.c.line_no, func.count())
            .where(return_items.c.order_id == order_id)
            .group_by(return_items.c.line_no)
        )
        return {int(line_no): int(count) for line_no, count in rows}


class ReturnRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: ReturnRequest) -> None:
        self.session.add(request)

    def get(self, return_id: uuid.UUID, *, lock: bool = False) -> ReturnRequest | None:
        query = select(ReturnRequest).where(ReturnRequest.id == return_id)  # type: ignore[arg-type]
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def by_rma(self, rma_number: str, *, lock: bool = False) -> ReturnRequest | None:
        query = select(ReturnRequest).where(ReturnRequest.rma_number == rma_number)  # type: ignore[arg-type]
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def by_token_digest(self, digest: str) -> ReturnRequest | None:
        query = select(ReturnRequest).where(ReturnRequest.token_digest == digest)  # type: ignore[arg-type]
        return self.session.scalars(query).one_or_none()

    def item(self, item_id: uuid.UUID, *, lock: bool = False) -> ReturnItem | None:
        query = select(ReturnItem).where(ReturnItem.id == item_id)  # type: ignore[arg-type]
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def items(self, item_ids: Sequence[uuid.UUID], *, lock: bool = False) -> list[ReturnItem]:
        # Locked in id order, so two lots built from overlapping items cannot deadlock.
        query = select(ReturnItem).where(ReturnItem.id.in_(item_ids)).order_by(ReturnItem.id)  # type: ignore[attr-defined]
        if lock:
            query = query.with_for_update()
        return list(self.session.scalars(query))

    def items_of_lot(self, lot_id: uuid.UUID, *, lock: bool = False) -> list[ReturnItem]:
        query = (
            select(ReturnItem)
            .join(lot_items, lot_items.c.item_id == return_items.c.id)
            .where(lot_items.c.lot_id == lot_id)
            .order_by(return_items.c.id)
        )
        if lock:
            query = query.with_for_update(of=return_items)
        return list(self.session.scalars(query))

    def add_photo(self, row: dict) -> None:
        self.session.execute(insert(return_photos).values(**row))

    def photo_count(self, return_id: uuid.UUID) -> int:
        query = select(func.count()).select_from(return_photos).where(return_photos.c.return_id == return_id)
        return self.session.execute(query).scalar_one()

    def flush(self) -> None:
        self.session.flush()

    # --- refunds --------------------------------------------------------------------------

    def approved_item_ids(self, item_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        query = select(refund_approval_items.c.item_id).where(refund_approval_items.c.item_id.in_(item_ids))
        return set(self.session.scalars(query))

    def has_approval(self, return_id: uuid.UUID) -> bool:
        query = select(refund_approvals.c.id).where(refund_approvals.c.return_id == return_id)
        return self.session.execute(query).first() is not None

    def shipping_refunded(self, order_id: uuid.UUID) -> bool:
        query = select(refund_approvals.c.id).where(
            refund_approvals.c.order_id == order_id, refund_approvals.c.includes_shipping
        )
        return self.session.execute(query).first() is not None

    def add_approval(self, approval: dict, item_ids: Sequence[uuid.UUID]) -> None:
        self.session.execute(insert(refund_approvals).values(**approval))
        self.session.execute(
            insert(refund_approval_items), [{"item_id": item_id, "approval_id": approval["id"]} for item_id in item_ids]
        )

    def lock_return_row(self, return_id: uuid.UUID) -> None:
        self.session.execute(select(returns.c.id).where(returns.c.id == return_id).with_for_update())


class LotRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, lot: SanitizationLot, item_ids: Sequence[uuid.UUID]) -> None:
        self.session.add(lot)
        self.session.flush()
        self.session.execute(insert(lot_items), [{"lot_id": lot.id, "item_id": item_id} for item_id in item_ids])

    def get(self, lot_id: uuid.UUID, *, lock: bool = False) -> SanitizationLot | None:
        query = select(SanitizationLot).where(SanitizationLot.id == lot_id)  # type: ignore[arg-type]
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def head(self, item_id: uuid.UUID) -> LedgerEntry | None:
        row = self.session.execute(
            select(item_ledger.c.item_id, item_ledger.c.seq, item_ledger.c.body, item_ledger.c.hash)
            .where(item_ledger.c.item_id == item_id)
            .order_by(item_ledger.c.seq.desc())
            .limit(1)
        ).first()
        return None if row is None else LedgerEntry(item_id=row.item_id, seq=row.seq, body=row.body, hash=row.hash)

    def entries(self, item_id: uuid.UUID) -> list[LedgerEntry]:
        rows = self.session.execute(
            select(item_ledger.c.item_id, item_ledger.c.seq, item_ledger.c.body, item_ledger.c.hash)
            .where(item_ledger.c.item_id == item_id)
            .order_by(item_ledger.c.seq)
        )
        return [LedgerEntry(item_id=r.item_id, seq=r.seq, body=r.body, hash=r.hash) for r in rows]

    def append(self, entry: LedgerEntry, kind: str, at: datetime) -> None:
        self.session.execute(
            insert(item_ledger).values(
                item_id=entry.item_id, seq=entry.seq, kind=kind, body=entry.body, hash=entry.hash, at=at
            )
        )


class DevClockRepository:
    """The development clock's offset (one row; no row is real time)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def offset(self, *, lock: bool = False) -> timedelta:
        if lock:
            # Make sure the row exists, then lock it: two staff moving time at once add up.
            self.session.execute(upsert(dev_clock).values(id=1).on_conflict_do_nothing())
        query = select(dev_clock.c.offset_seconds).where(dev_clock.c.id == 1)
        if lock:
            query = query.with_for_update()
        seconds = self.session.execute(query).scalar_one_or_none()
        return timedelta(seconds=seconds or 0)

    def change(self, offset: timedelta, *, at: datetime, by: str) -> None:
        self.session.execute(
            update(dev_clock)
            .where(dev_clock.c.id == 1)
            .values(offset_seconds=int(offset.total_seconds()), changed_at=at, changed_by=by)
        )

    def last_change(self) -> tuple[datetime | None, str | None]:
        row = self.session.execute(select(dev_clock.c.changed_at, dev_clock.c.changed_by)).first()
        return (row.changed_at, row.changed_by) if row else (None, None)
