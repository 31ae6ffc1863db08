"""The read side: hygiene certificates (public) and the ops board. Plain SQL over the same tables,
nothing kept in process memory, so any instance answers the same."""

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from returns.adapters.orm import item_ledger, order_lines, return_items, sanitization_lots
from returns.domain import ledger
from returns.domain.model import ItemState, rate_group
from returns.domain.policy import ReturnsPolicy
from returns.domain.throughput import HOURLY_UP_TO, SERIES, SERIES_OF_KIND, bucket_for, bucket_starts
from returns.service_layer.unit_of_work import ReturnsUnitOfWork
from vitrine_shared.problems import NotFound

UTC_ZONE = ZoneInfo("UTC")

CERTIFICATE_STATEMENT = {
    "fr": "Cet article retourné a été inspecté, mis en quarantaine et assaini avant sa remise en vente.",
    "en": "This returned item was inspected, quarantined and sanitized before going back on sale.",
}


def certificate(uow: ReturnsUnitOfWork, *, certificate_id: str) -> dict[str, Any]:
    """What the certificate says, read from the ledger itself (so an edited entry shows), and
    whether the chain still verifies."""
    with uow:
        found = uow.session.execute(
            select(return_items.c.id, return_items.c.sku).where(
                return_items.c.certificate_id == certificate_id.strip().upper()
            )
        ).first()
        if found is None:
            raise NotFound(f"No certificate {certificate_id}.")
        item_id, sku = found
        entries = uow.ledger.entries(item_id)
    verification = ledger.verify(entries, certificate_id=certificate_id.strip().upper())
    documents = []
    for entry in entries:
        try:
            documents.append(json.loads(entry.body))
        except ValueError:
            continue
    last = {doc.get("kind"): doc for doc in documents}  # the latest entry of each kind wins
    inspected = last.get("inspected", {})
    quarantined = last.get("quarantined", {})
    sanitized = last.get("sanitized", {})
    restocked = last.get("restocked", {})
    received = last.get("received", {})
    return {
        "certificate_id": certificate_id.strip().upper(),
        "statement": CERTIFICATE_STATEMENT,
        "item": {"item_id": str(item_id), "sku": sku},
        "received_at": received.get("at"),
        "inspection": {
            "grade": inspected.get("data", {}).get("grade"),
            "seal_intact": inspected.get("data", {}).get("seal_intact"),
            "material": inspected.get("data", {}).get("material"),
            "at": inspected.get("at"),
            "inspector_initials": inspected.get("actor", {}).get("initials"),
        },
        "quarantine": {
            "started_at": quarantined.get("data", {}).get("started_at"),
            "until": quarantined.get("data", {}).get("until"),
            "hours": quarantined.get("data", {}).get("hours"),
        },
        "sanitization": {
            key: sanitized.get("data", {}).get(key)
            for key in ("lot_code", "method", "operator_initials", "started_at", "ended_at", "parameters", "passed")
        },
        "restocked_at": restocked.get("at"),
        "ledger": [
            {"seq": e.seq, "hash": e.hash, "kind": json.loads(e.body).get("kind") if _readable(e.body) else None}
            for e in entries
        ],
        "verification": {
            "valid": verification.valid,
            "entries": verification.entries,
            "problems": verification.problems,
        },
    }


def _readable(body: str) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


# --- the ops board -------------------------------------------------------------------------------

_OPEN_STATES = [
    s.value
    for s in ItemState
    if s not in (ItemState.RESTOCKED, ItemState.REFURBISHED, ItemState.DONATED, ItemState.DESTROYED)
]


def board_marker(uow: ReturnsUnitOfWork) -> tuple[int, int]:
    """Moves only when something on the board may have changed: every item move writes a ledger
    entry (lots move their items), and a move of the development clock changes timers and
    overdue items without any entry."""
    with uow:
        last_entry = uow.session.execute(select(func.coalesce(func.max(item_ledger.c.id), 0))).scalar_one()
        return last_entry, int(uow.dev_clock.offset().total_seconds())


def _overdue_parts(now: datetime, policy: ReturnsPolicy) -> list[tuple[str, Any, datetime]]:
    """(state, column, threshold) per stage with an SLA: one index range each, (state, column)."""
    parts = []
    for state in _OPEN_STATES:
        sla = policy.sla_for(state)
        if sla is None:
            continue
        column = return_items.c.quarantined_until if state == ItemState.QUARANTINED else return_items.c.state_entered_at
        parts.append((state, column, now - sla))
    return parts


def _item_row(row: Any) -> dict[str, Any]:
    return {
        "item_id": str(row.id),
        "return_id": str(row.return_id),
        "sku": row.sku,
        "state": row.state,
        "since": row.state_entered_at.isoformat(),
        "quarantined_until": row.quarantined_until.isoformat() if row.quarantined_until else None,
    }


def board(
    uow: ReturnsUnitOfWork,
    *,
    now: datetime,
    policy: ReturnsPolicy,
    limit: int = 50,
    development: bool = False,
    throughput_span: timedelta = HOURLY_UP_TO,
    zone: ZoneInfo = UTC_ZONE,
) -> dict[str, Any]:
    """The whole board at `now`, with the throughput series over `throughput_span` in `zone`. In
    development it also says how far the development clock runs ahead (the web shows its card and
    counts timers down from the service's time)."""
    item_columns = [
        return_items.c.id,
        return_items.c.return_id,
        return_items.c.sku,
        return_items.c.state,
        return_items.c.state_entered_at,
        return_items.c.quarantined_until,
    ]
    with uow:
        db = uow.session
        # One pass over the items (with their order line, for its category) for the three
        # breakdowns (stage, reason, category).
        grouping = (
            return_items.c.state,
            return_items.c.reason_code,
            order_lines.c.category,
            return_items.c.hygiene_class,
        )
        breakdown = db.execute(
            select(*grouping, func.count())
            .join(
                order_lines,
                (order_lines.c.order_id == return_items.c.order_id) & (order_lines.c.line_no == return_items.c.line_no),
            )
            .group_by(*grouping)
        ).all()
        counts: Counter[str] = Counter()
        by_reason: Counter[str] = Counter()
        returned_by_group: Counter[str] = Counter()
        for state, reason, category, hygiene_class, n in breakdown:
            counts[state] += n
            by_reason[reason] += n
            returned_by_group[rate_group(category, hygiene_class)[0]] += n
        quarantine_rows = db.execute(
            select(*item_columns)
            .where(return_items.c.state == ItemState.QUARANTINED)
            .order_by(return_items.c.quarantined_until)
            .limit(limit)
        ).all()
        parts = _overdue_parts(now, policy)
        overdue_count = sum(
            db.execute(
                select(func.count()).select_from(return_items).where(return_items.c.state == state, column < threshold)
            ).scalar_one()
            for state, column, threshold in parts
        )
        overdue_rows = sorted(
            (
                row
                for state, column, threshold in parts
                for row in db.execute(
                    select(*item_columns)
                    .where(return_items.c.state == state, column < threshold)
                    .order_by(column)
                    .limit(limit)
                ).all()
            ),
            key=lambda row: row.state_entered_at,
        )[:limit]
        sold_total = db.execute(select(func.coalesce(func.sum(order_lines.c.quantity), 0))).scalar_one()
        sold_by_group: Counter[tuple[str, str | None, str | None]] = Counter()
        for category, hygiene_class, sold in db.execute(
            select(order_lines.c.category, order_lines.c.hygiene_class, func.sum(order_lines.c.quantity)).group_by(
                order_lines.c.category, order_lines.c.hygiene_class
            )
        ):
            sold_by_group[rate_group(category, hygiene_class)] += int(sold)
        lots = db.execute(select(sanitization_lots).order_by(sanitization_lots.c.started_at.desc()).limit(20)).all()
        marker = db.execute(select(func.coalesce(func.max(item_ledger.c.id), 0))).scalar_one()
        released_waiting = db.execute(
            select(func.count())
            .select_from(return_items)
            .where(return_items.c.state == ItemState.QUARANTINED, return_items.c.quarantined_until <= now)
        ).scalar_one()
        dev_clock = {"offset_seconds": int(uow.dev_clock.offset().total_seconds())} if development else None
        series = _throughput(db, now=now, span=throughput_span, zone=zone)

    def rate(returned: int, sold: int) -> float:
        return round(returned / sold, 4) if sold else 0.0

    return {
        "generated_at": now.isoformat(),
        "marker": marker,
        "dev_clock": dev_clock,
        "counts_by_stage": {state.value: counts.get(state.value, 0) for state in ItemState},
        "quarantine": {
            "count": counts.get(ItemState.QUARANTINED.value, 0),
            "released_waiting_for_lot": released_waiting,
            "items": [{**_item_row(r), "released": r.quarantined_until <= now} for r in quarantine_rows],
        },
        "overdue": {
            "count": overdue_count,
            "sla_hours": dict(policy.sla_hours),
            "items": [_item_row(r) for r in overdue_rows],
        },
        "return_rate_by_reason": {
            reason: {"returned": n, "rate": rate(n, sold_total)} for reason, n in sorted(by_reason.items())
        },
        # Per product category; lines without one (older orders) per hygiene class, after them.
        "return_rate_by_category": {
            key: {
                "category": category,
                "hygiene_class": hygiene_class,
                "sold": sold,
                "returned": returned_by_group.get(key, 0),
                "rate": rate(returned_by_group.get(key, 0), sold),
            }
            for (key, category, hygiene_class), sold in sorted(
                sold_by_group.items(), key=lambda group: (group[0][1] is None, group[0][0])
            )
        },
        "throughput": series,
        "lots": [
            {
                "lot_id": str(lot.id),
                "lot_code": lot.lot_code,
                "method": lot.method,
                "status": lot.status,
                "operator_initials": lot.operator_initials,
                "started_at": lot.started_at.isoformat(),
                "ended_at": lot.ended_at.isoformat() if lot.ended_at else None,
                "items": lot.item_count,
            }
            for lot in lots
        ],
    }


def _throughput(db: Session, *, now: datetime, span: timedelta, zone: ZoneInfo) -> dict[str, Any]:
    """Items received, restocked and disposed per hour or per day over `span` up to `now` (the
    service's clock), from the ledger: one `date_trunc` query over an index range on its time."""
    unit = bucket_for(span)
    starts = bucket_starts(now, span, zone)
    bucket = func.date_trunc(unit, item_ledger.c.at, zone.key)
    rows = db.execute(
        select(bucket, item_ledger.c.kind, func.count())
        .where(
            item_ledger.c.at >= starts[0],
            item_ledger.c.at <= now,
            item_ledger.c.kind.in_(list(SERIES_OF_KIND)),
        )
        .group_by(bucket, item_ledger.c.kind)
    ).all()
    counts: dict[datetime, Counter[str]] = {start: Counter() for start in starts}
    for start, kind, n in rows:
        counts.setdefault(start, Counter())[SERIES_OF_KIND[kind]] += n
    return {
        "bucket": unit,
        "zone": zone.key,
        "since": starts[0].isoformat(),
        "until": now.isoformat(),
        "points": [
            {"start": start.isoformat(), **{series: counts[start].get(series, 0) for series in SERIES}}
            for start in sorted(counts)
        ],
    }
