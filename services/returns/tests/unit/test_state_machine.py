"""The item state machine and the quarantine/sanitization/restock rules, on plain objects."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from returns.domain.clock import MovableClock
from returns.domain.model import Actor, ItemState, ReturnItem, ReturnRequest, SanitizationLot
from returns.domain.policy import ReturnsPolicy
from vitrine_shared.problems import Conflict, IllegalTransition, Unprocessable

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
OPS = Actor(subject="staff-1", name="Olivia Ops")
POLICY = ReturnsPolicy()


def make_item(hygiene_class: str = "standard", state_entered_at: datetime = T0) -> ReturnItem:
    return ReturnItem(
        return_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        line_no=1,
        sku="SKU-1",
        product_id=uuid.uuid4(),
        hygiene_class=hygiene_class,
        reason_code="too_small",
        unit_refund_minor=1150,
        currency="CAD",
        state_entered_at=state_entered_at,
    )


def make_lot(now: datetime = T0) -> SanitizationLot:
    return SanitizationLot(
        lot_code="LOT-1",
        method="steam",
        operator_subject=OPS.subject,
        operator_initials=OPS.initials,
        started_at=now,
        parameters={"temperature_c": 100},
    )


def through_quarantine(item: ReturnItem, clock: MovableClock, material: str = "fabric", grade: str = "A") -> None:
    item.receive(OPS, clock.now())
    item.inspect(grade=grade, seal_intact=True, material=material, policy=POLICY, actor=OPS, now=clock.now())
    item.quarantine(policy=POLICY, actor=OPS, now=clock.now())


def sanitize(item: ReturnItem, clock: MovableClock, *, passed: bool = True) -> SanitizationLot:
    lot = make_lot(clock.now())
    item.join_lot(lot, OPS, clock.now())
    lot.complete(passed=passed, ended_at=clock.now(), parameters=None)
    item.finish_sanitization(lot, policy=POLICY, actor=OPS, now=clock.now())
    return lot


def test_the_happy_path_records_who_and_when_at_every_step() -> None:
    clock = MovableClock(T0)
    item = make_item()
    moves = [item.receive(OPS, clock.now())]
    clock.advance(timedelta(hours=1))
    moves.append(
        item.inspect(grade="A", seal_intact=None, material="fabric", policy=POLICY, actor=OPS, now=clock.now())
    )
    moves.append(item.quarantine(policy=POLICY, actor=OPS, now=clock.now()))
    assert item.quarantined_until == clock.now() + timedelta(hours=24)
    lot = make_lot(clock.now())
    moves.append(item.join_lot(lot, OPS, clock.now()))
    clock.advance(timedelta(hours=2))
    lot.complete(passed=True, ended_at=clock.now(), parameters={"minutes": 20})
    moves.append(item.finish_sanitization(lot, policy=POLICY, actor=OPS, now=clock.now()))
    clock.advance(timedelta(hours=23))
    moves.append(item.restock(policy=POLICY, actor=OPS, now=clock.now()))
    assert [m.to_state for m in moves] == [
        "received",
        "inspected",
        "quarantined",
        "sanitizing",
        "sanitized",
        "restocked",
    ]
    assert all(m.actor == OPS and m.at is not None for m in moves)
    assert moves[1].at == T0 + timedelta(hours=1)
    assert item.state == ItemState.RESTOCKED and item.is_terminal


@pytest.mark.parametrize(
    ("material", "hours"), [("fabric", 24), ("plastic", 72), ("cardboard", 24), ("metal", 72), ("leather", 48)]
)
def test_quarantine_duration_comes_from_the_policy_table(material: str, hours: int) -> None:
    clock = MovableClock(T0)
    item = make_item()
    through_quarantine(item, clock, material=material)
    assert item.quarantined_until - item.quarantine_started_at == timedelta(hours=hours)


def test_the_policy_table_is_configurable() -> None:
    policy = ReturnsPolicy(quarantine_hours={"fabric": 6, "other": 1})
    assert policy.quarantine_for("fabric") == timedelta(hours=6)
    assert policy.quarantine_for("unknown") == timedelta(hours=1)


@pytest.mark.parametrize(
    "illegal",
    [
        lambda item, now: item.inspect(
            grade="A", seal_intact=None, material="fabric", policy=POLICY, actor=OPS, now=now
        ),
        lambda item, now: item.quarantine(policy=POLICY, actor=OPS, now=now),
        lambda item, now: item.join_lot(make_lot(), OPS, now),
        lambda item, now: item.restock(policy=POLICY, actor=OPS, now=now),
    ],
)
def test_skipping_a_step_is_an_illegal_transition_naming_the_current_state(illegal) -> None:
    item = make_item()
    with pytest.raises(IllegalTransition) as refused:
        illegal(item, T0)
    assert refused.value.status == 409
    assert refused.value.extensions["current_state"] == "requested"
    assert item.state == "requested"


def test_receiving_twice_is_refused() -> None:
    item = make_item()
    item.receive(OPS, T0)
    with pytest.raises(IllegalTransition) as refused:
        item.receive(OPS, T0)
    assert refused.value.extensions["current_state"] == "received"


def test_restock_before_the_quarantine_has_elapsed_is_refused_even_when_sanitized() -> None:
    clock = MovableClock(T0)
    item = make_item()
    through_quarantine(item, clock, material="plastic")
    sanitize(item, clock)
    clock.advance(timedelta(hours=71, minutes=59))
    with pytest.raises(IllegalTransition) as refused:
        item.restock(policy=POLICY, actor=OPS, now=clock.now())
    assert refused.value.extensions["current_state"] == "sanitized"
    assert "released_at" in refused.value.extensions
    clock.advance(timedelta(minutes=1))
    item.restock(policy=POLICY, actor=OPS, now=clock.now())
    assert item.state == "restocked"


def test_restock_without_a_passing_sanitization_is_refused_even_after_quarantine() -> None:
    clock = MovableClock(T0)
    item = make_item()
    through_quarantine(item, clock)
    clock.advance(timedelta(days=10))
    with pytest.raises(IllegalTransition) as refused:
        item.restock(policy=POLICY, actor=OPS, now=clock.now())
    assert refused.value.extensions["current_state"] == "quarantined"


def test_a_failed_lot_sends_its_items_back_to_quarantine_with_a_fresh_period() -> None:
    clock = MovableClock(T0)
    item = make_item()
    through_quarantine(item, clock, material="fabric")
    clock.advance(timedelta(hours=30))
    sanitize(item, clock, passed=False)
    assert item.state == "quarantined"
    assert item.quarantined_until == clock.now() + timedelta(hours=24)
    assert item.sanitized_at is None and item.lot_id is None
    with pytest.raises(IllegalTransition):
        item.restock(policy=POLICY, actor=OPS, now=clock.now() + timedelta(days=5))


def test_grade_c_and_broken_seals_are_never_restocked_but_can_be_disposed() -> None:
    clock = MovableClock(T0)
    c_item = make_item()
    through_quarantine(c_item, clock, grade="C")
    sanitize(c_item, clock)
    clock.advance(timedelta(days=4))
    with pytest.raises(IllegalTransition, match="Grade C"):
        c_item.restock(policy=POLICY, actor=OPS, now=clock.now())
    c_item.dispose("refurbish", actor=OPS, now=clock.now())
    assert c_item.state == "refurbished"

    sealed = make_item("sealed_hygiene")
    sealed.receive(OPS, T0)
    sealed.inspect(grade="A", seal_intact=False, material="plastic", policy=POLICY, actor=OPS, now=T0)
    assert not sealed.refundable(POLICY)
    sealed.dispose("destroy", actor=OPS, now=T0)
    assert sealed.state == "destroyed"
    with pytest.raises(IllegalTransition) as refused:
        sealed.dispose("donate", actor=OPS, now=T0)
    assert refused.value.extensions["current_state"] == "destroyed"


def test_inspection_checks_its_inputs() -> None:
    item = make_item("sealed_hygiene")
    item.receive(OPS, T0)
    with pytest.raises(Unprocessable, match="seal_intact"):
        item.inspect(grade="A", seal_intact=None, material="plastic", policy=POLICY, actor=OPS, now=T0)
    with pytest.raises(Unprocessable, match="grade"):
        item.inspect(grade="Z", seal_intact=True, material="plastic", policy=POLICY, actor=OPS, now=T0)
    with pytest.raises(Unprocessable, match="material"):
        item.inspect(grade="A", seal_intact=True, material="kryptonite", policy=POLICY, actor=OPS, now=T0)
    assert item.state == "received"


def test_an_item_cannot_finish_in_a_lot_it_never_joined_and_a_lot_completes_once() -> None:
    clock = MovableClock(T0)
    item = make_item()
    through_quarantine(item, clock)
    item.join_lot(make_lot(), OPS, T0)
    other = make_lot()
    other.complete(passed=True, ended_at=T0, parameters=None)
    with pytest.raises(Conflict):
        item.finish_sanitization(other, policy=POLICY, actor=OPS, now=T0)
    with pytest.raises(IllegalTransition) as refused:
        other.complete(passed=False, ended_at=T0, parameters=None)
    assert refused.value.extensions["current_state"] == "passed"
    late = make_lot(T0)
    with pytest.raises(Unprocessable, match="ended_at"):
        late.complete(passed=True, ended_at=T0 - timedelta(minutes=1), parameters=None)


def test_unknown_sanitization_methods_are_refused() -> None:
    with pytest.raises(Unprocessable, match="method"):
        SanitizationLot(
            lot_code="x", method="prayer", operator_subject="s", operator_initials="S", started_at=T0, parameters={}
        )


def test_a_return_is_received_once_and_completes_when_every_item_is_settled() -> None:
    request = ReturnRequest(
        order_id=uuid.uuid4(),
        order_number="V-1",
        rma_number="RMA-TEST",
        preference="refund",
        token_digest="d",
        currency="CAD",
        created_at=T0,
    )
    request.items = [make_item(), make_item()]
    assert [t.to_state for t in request.receive(OPS, T0)] == ["received", "received"]
    with pytest.raises(IllegalTransition) as refused:
        request.receive(OPS, T0)
    assert refused.value.extensions["current_state"] == "received"
    for item in request.items:
        item.inspect(grade="damaged", seal_intact=None, material="fabric", policy=POLICY, actor=OPS, now=T0)
        request.settle_if_done()
        assert request.status == "received"
        item.dispose("destroy", actor=OPS, now=T0)
    request.settle_if_done()
    assert request.status == "completed"


def test_operator_initials() -> None:
    assert Actor("s", "Olivia Ops").initials == "OO"
    assert Actor("s", "Jean-Luc de la Tour").initials == "JLDL"
    assert Actor("s", None).initials == "?"


def test_an_item_is_due_by_its_stage_service_level_quarantine_from_its_release() -> None:
    policy = ReturnsPolicy()
    entered = datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert policy.due_at("received", entered, None) == entered + timedelta(hours=24)
    assert policy.due_at("quarantined", entered, entered + timedelta(hours=72)) == entered + timedelta(hours=96)
    assert policy.due_at("restocked", entered, None) is None
