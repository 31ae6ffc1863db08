"""Consumed events (duplicates, replays, a handler that fails) and races between two people
acting on the same thing at once, against the real database."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from returns.adapters.orm import order_lines, orders, return_items
from returns.domain.eligibility import RequestedLine
from returns.domain.model import Actor
from returns.service_layer import services
from vitrine_shared.messaging.consumer import Outcome
from vitrine_shared.messaging.tables import inbox
from vitrine_shared.problems import IllegalTransition, Unprocessable

pytestmark = pytest.mark.integration


def count(container, table, where) -> int:
    with container.engine.connect() as db:
        return db.execute(select(func.count()).select_from(table).where(where)).scalar_one()


def test_an_order_delivered_twice_or_replayed_is_recorded_once(consumer, container, new_order_event, wrap) -> None:
    order = new_order_event()
    envelope = wrap(order)
    assert consumer.handle(envelope.model_dump_json().encode()) is Outcome.ACK
    assert consumer.handle(envelope.model_dump_json().encode()) is Outcome.ACK  # redelivery
    assert consumer.handle(wrap(order).model_dump_json().encode()) is Outcome.ACK  # same order, new event id
    assert count(container, orders, orders.c.id == order.order_id) == 1
    assert count(container, order_lines, order_lines.c.order_id == order.order_id) == 3


def test_a_failing_handler_writes_nothing_and_asks_for_a_retry(consumer, container, new_order_event, wrap) -> None:
    first = new_order_event()
    assert consumer.handle(wrap(first).model_dump_json().encode()) is Outcome.ACK
    # Another order id under an order number already known: the insert fails at commit.
    clash = first.model_copy(update={"order_id": uuid.uuid4()})
    envelope = wrap(clash)
    assert consumer.handle(envelope.model_dump_json().encode()) is Outcome.RETRY
    assert count(container, orders, orders.c.id == clash.order_id) == 0
    assert count(container, inbox, inbox.c.message_id == envelope.id) == 0  # so a redelivery is tried again


def test_two_operators_scanning_the_same_parcel_receive_it_once(container, open_return, clock) -> None:
    created = open_return()

    def scan(name: str) -> str:
        try:
            services.receive_return(
                container.uow(),
                rma_number=created["rma_number"],
                actor=Actor(subject=name, name=name),
                now=clock.now(),
                policy=container.policy,
            )
        except IllegalTransition as refused:
            return f"refused:{refused.extensions['current_state']}"
        return "received"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(scan, ["Ana Ops", "Ben Ops"]))
    assert outcomes == ["received", "refused:received"]


def test_two_tabs_cannot_both_return_the_last_unit(container, paid_order, clock) -> None:
    order = paid_order()

    def request() -> str:
        try:
            services.request_return(
                container.uow(),
                order_number=order.order_number,
                email=order.customer_email,
                lines=[RequestedLine(1, 2, "too_small")],
                preference="refund",
                comment="",
                now=clock.now(),
                policy=container.policy,
            )
        except Unprocessable:
            return "refused"
        return "created"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: request(), range(2)))
    assert outcomes == ["created", "refused"]
    assert count(container, return_items, return_items.c.order_id == order.order_id) == 2
