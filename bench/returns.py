"""Returns benchmark: item transitions per second, and the ops board's p50/p95 with 100k return
items, through HTTP (a real uvicorn on loopback) against the same SQL sent directly to PostgreSQL.

Everything happens in a schema of its own (`returns_bench`, rebuilt each run), so the service's
data and the broker are untouched. Run against the local stack:

    .venv/bin/python -m bench.returns [--items 100000] [--requests 200]

Writes bench/results/returns.json.
"""

import argparse
import os
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import uvicorn
from fastapi import FastAPI
from sqlalchemy import event, text

os.environ.setdefault("VITRINE_RETURNS_LOG_LEVEL", "WARNING")

from bench.results import write_result
from returns.adapters.orm import metadata
from returns.bootstrap import Container
from returns.domain.clock import MovableClock
from returns.domain.eligibility import RequestedLine
from returns.domain.model import REASON_CODES, Actor, ItemState
from returns.entrypoints.http import create_app
from returns.service_layer import services
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenIssuer
from vitrine_shared.db import libpq_url, make_engine
from vitrine_shared.events.contracts import OrderLine, OrderPaid
from vitrine_shared.messaging.tables import messaging_metadata
from vitrine_shared.settings import VAR_DIR

SCHEMA = "returns_bench"
PORT = 8194
OPS = Actor(subject="bench", name="Bench Ops")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build_app(clock: MovableClock) -> tuple[FastAPI, Container]:
    app = create_app(clock=clock)
    container = app.state.container
    # Same code, other tables: every statement is sent to the bench schema.
    container.__dict__["engine"] = make_engine(
        container.settings.database_url, application_name="returns-bench"
    ).execution_options(schema_translate_map={None: SCHEMA})
    return app, container


def reset_schema(container: Container) -> None:
    with container.engine.begin() as db:
        db.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        db.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    metadata.create_all(container.engine)
    messaging_metadata.create_all(container.engine)


def seed_items(container: Container, items: int) -> None:
    """`items` return items in every stage, on orders of 2 lines x 5 units, 5 items per return."""
    orders = max(items // 10, 1)
    states = "ARRAY[" + ",".join(f"'{s.value}'" for s in ItemState) + "]"
    reasons = "ARRAY[" + ",".join(f"'{code}'" for code in REASON_CODES) + "]"
    classes = "ARRAY['standard','standard','cleanable','sealed_hygiene']"
    statements = [
        f"""INSERT INTO {SCHEMA}.orders (id, order_number, customer_email, province, currency, subtotal_minor,
              tax_minor, shipping_minor, total_minor, paid_at)
            SELECT md5('o'||g)::uuid, 'B-'||g, 'b'||g||'@bench.test', 'QC', 'CAD', 10000, 1500, 995, 12495,
                   now() - (g % 40) * interval '1 day'
            FROM generate_series(1, {orders}) g""",
        f"""INSERT INTO {SCHEMA}.order_lines (order_id, line_no, sku, product_id, quantity, unit_price_minor,
              tax_minor, hygiene_class, final_sale)
            SELECT md5('o'||g)::uuid, l, 'SKU-'||(g % 997)||'-'||l, md5('p'||(g % 997))::uuid, 5, 1000, 750,
                   ({classes})[1 + (g + l) % 4], false
            FROM generate_series(1, {orders}) g, generate_series(1, 2) l""",
        f"""INSERT INTO {SCHEMA}.returns (id, rma_number, order_id, order_number, preference, token_digest, currency,
              comment, status, created_at)
            SELECT md5('r'||g||'-'||l)::uuid, 'RMA-B'||g||'-'||l, md5('o'||g)::uuid, 'B-'||g, 'refund',
                   md5('t'||g||'-'||l)||md5('u'||g||'-'||l), 'CAD', '', 'received', now() - (g % 30) * interval '1 day'
            FROM generate_series(1, {orders}) g, generate_series(1, 2) l""",
        f"""INSERT INTO {SCHEMA}.return_items (id, return_id, order_id, line_no, sku, product_id, hygiene_class,
              reason_code, unit_refund_minor, currency, state, state_entered_at, quarantined_until)
            SELECT gen_random_uuid(), md5('r'||g||'-'||l)::uuid, md5('o'||g)::uuid, l, 'SKU-'||(g % 997)||'-'||l,
                   md5('p'||(g % 997))::uuid, ({classes})[1 + (g + l) % 4], ({reasons})[1 + (g * 7 + u) % 8], 1150,
                   'CAD', ({states})[1 + (g * 3 + u) % 10], now() - ((g * 13 + u) % 200) * interval '1 hour',
                   now() + ((g + u) % 96 - 48) * interval '1 hour'
            FROM generate_series(1, {orders}) g, generate_series(1, 2) l, generate_series(1, 5) u""",
        f"""INSERT INTO {SCHEMA}.sanitization_lots (id, lot_code, method, operator_subject, operator_initials,
              started_at, ended_at, parameters, status, item_count)
            SELECT gen_random_uuid(), 'LOT-B-'||g, 'steam', 'bench', 'BO', now() - g * interval '1 hour',
                   now() - g * interval '1 hour' + interval '20 minutes', '{{}}'::jsonb, 'passed', 20
            FROM generate_series(1, 500) g""",
        f"ANALYZE {SCHEMA}.return_items",
        f"ANALYZE {SCHEMA}.order_lines",
    ]
    with container.engine.begin() as db:
        for statement in statements:
            db.execute(text(statement))


def measure_transitions(container: Container, clock: MovableClock, units: int) -> tuple[float, int]:
    """Orders paid, returns opened, then every unit moved through receive, inspect, quarantine,
    a lot (20 per lot), the lot's result, restock: the time of the warehouse moves only."""
    policy = container.policy
    returns_opened = []
    for n in range(units // 2):
        order = OrderPaid(
            order_id=uuid.uuid4(),
            order_number=f"BT-{uuid.uuid4().hex[:10]}",
            customer_email="t@bench.test",
            province="QC",
            currency="CAD",
            subtotal_minor=2000,
            tax_minor=300,
            shipping_minor=0,
            total_minor=2300,
            paid_at=clock.now() - timedelta(days=1),
            lines=[OrderLine(sku=f"BT-{n}", product_id=uuid.uuid4(), quantity=2, unit_price_minor=1000, tax_minor=300)],
        )
        with container.uow() as uow:
            services.record_paid_order(order, uow)
            uow.commit()
        request, _ = services.request_return(
            container.uow(),
            order_number=order.order_number,
            email=order.customer_email,
            lines=[RequestedLine(1, 2, "too_small")],
            preference="refund",
            comment="",
            now=clock.now(),
            policy=policy,
        )
        returns_opened.append(request)
    moves = 0
    started = time.perf_counter()
    item_ids = []
    for request in returns_opened:
        services.receive_return(
            container.uow(), rma_number=request.rma_number, actor=OPS, now=clock.now(), policy=policy
        )
        moves += len(request.items)
        for item in request.items:
            inspection = services.Inspection(grade="A", material="fabric")
            services.inspect_item(
                container.uow(), item_id=item.id, inspection=inspection, actor=OPS, now=clock.now(), policy=policy
            )
            services.quarantine_item(container.uow(), item_id=item.id, actor=OPS, now=clock.now(), policy=policy)
            item_ids.append(item.id)
            moves += 2
    for start in range(0, len(item_ids), 20):
        batch = item_ids[start : start + 20]
        lot, _ = services.open_lot(
            container.uow(),
            item_ids=batch,
            method="steam",
            parameters={},
            started_at=None,
            actor=OPS,
            now=clock.now(),
            policy=policy,
        )
        services.complete_lot(
            container.uow(),
            lot_id=lot.id,
            passed=True,
            ended_at=None,
            parameters=None,
            actor=OPS,
            now=clock.now(),
            policy=policy,
        )
        moves += 2 * len(batch)
    clock.advance(timedelta(hours=25))
    for item_id in item_ids:
        services.restock_item(container.uow(), item_id=item_id, actor=OPS, now=clock.now(), policy=policy)
        moves += 1
    elapsed = time.perf_counter() - started
    return moves / elapsed, moves


def capture_board_sql(container: Container, clock: MovableClock) -> list[tuple[str, object]]:
    """The exact statements (and parameters) the board runs, to replay them on a raw connection."""
    from returns.service_layer import views

    captured: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        captured.append((statement, parameters))

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        views.board(container.uow(), now=clock.now(), policy=container.policy)
    finally:
        event.remove(container.engine, "before_cursor_execute", record)
    return [(s, p) for s, p in captured if s.lstrip().upper().startswith("SELECT")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--transition-units", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="leave the bench schema for inspection")
    args = parser.parse_args()

    clock = MovableClock(datetime.now(UTC))
    app, container = build_app(clock)
    print(f"returns bench: schema {SCHEMA}, seeding {args.items} items")
    reset_schema(container)
    seed_items(container, args.items)

    rate, moves = measure_transitions(container, clock, args.transition_units)
    print(f"returns bench: {moves} transitions at {rate:.0f}/s")

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=PORT, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    issuer = TokenIssuer((VAR_DIR / "keys" / "auth-private.pem").read_text())
    token = issuer.issue(Principal(subject="bench", roles=frozenset({Role.OPS}), name="Bench Ops"))
    via_http: list[float] = []
    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", headers={"Authorization": f"Bearer {token}"}) as http:
        for _ in range(5):
            http.get("/api/returns/ops/board").raise_for_status()
        for _ in range(args.requests):
            started = time.perf_counter()
            http.get("/api/returns/ops/board").raise_for_status()
            via_http.append((time.perf_counter() - started) * 1000)
    server.should_exit = True
    thread.join(timeout=10)

    statements = capture_board_sql(container, clock)
    direct: list[float] = []
    with psycopg.connect(libpq_url(container.engine)) as raw:
        raw.execute(f"SET search_path TO {SCHEMA}")
        for _ in range(5):
            for statement, parameters in statements:
                raw.execute(statement, parameters).fetchall()
        for _ in range(args.requests):
            started = time.perf_counter()
            with raw.transaction():
                for statement, parameters in statements:
                    raw.execute(statement, parameters).fetchall()
            direct.append((time.perf_counter() - started) * 1000)

    figures = {
        "transitions_per_s": rate,
        "board_p50_ms": statistics.median(via_http),
        "board_p95_ms": percentile(via_http, 0.95),
        "direct_sql_p50_ms": statistics.median(direct),
        "direct_sql_p95_ms": percentile(direct, 0.95),
    }
    ratios = {
        "board_p95_over_direct_sql": figures["board_p95_ms"] / figures["direct_sql_p95_ms"],
        "board_p50_over_direct_sql": figures["board_p50_ms"] / figures["direct_sql_p50_ms"],
    }
    path = write_result(
        "returns",
        inputs={
            "return_items": args.items,
            "board_requests": args.requests,
            "transition_units": args.transition_units,
            "transitions_measured": moves,
            "board_statements": len(statements),
        },
        figures=figures,
        ratios=ratios,
        targets={"board_p95_over_direct_sql": {"max": 2.0}},
    )
    print(f"returns bench: {figures} {ratios} -> {path}")
    if not args.keep:
        with container.engine.begin() as db:
            db.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))


if __name__ == "__main__":
    main()
