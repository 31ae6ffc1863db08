"""Orders as returns knows them, return requests (RMA), returned items and sanitization lots, with
the state machine that moves an item from the shopper's box back onto a shelf (or out of the shop).

Pure rules: no I/O. Every move returns a `Transition` (who, when, from, to, details) that the
service layer writes into the item's hash-chained ledger.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from returns.domain.policy import ReturnsPolicy
from vitrine_shared.problems import Conflict, IllegalTransition, Unprocessable

GRADES = ("A", "B", "C", "damaged")
SANITIZATION_METHODS = ("steam", "uv_c", "ozone", "disinfectant", "none")
DISPOSITIONS = ("refurbish", "donate", "destroy")
PREFERENCES = ("refund", "exchange", "store_credit")

REASON_CODES: dict[str, dict[str, str]] = {
    "too_small": {"fr": "Trop petit", "en": "Too small"},
    "too_large": {"fr": "Trop grand", "en": "Too large"},
    "not_as_described": {"fr": "Non conforme à la description", "en": "Not as described"},
    "defective": {"fr": "Défectueux", "en": "Defective"},
    "wrong_item": {"fr": "Mauvais article reçu", "en": "Wrong item received"},
    "arrived_damaged": {"fr": "Arrivé endommagé", "en": "Arrived damaged"},
    "changed_mind": {"fr": "Changement d'avis", "en": "Changed my mind"},
    "other": {"fr": "Autre", "en": "Other"},
}


class ItemState(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    INSPECTED = "inspected"
    QUARANTINED = "quarantined"
    SANITIZING = "sanitizing"
    SANITIZED = "sanitized"
    RESTOCKED = "restocked"
    REFURBISHED = "refurbished"
    DONATED = "donated"
    DESTROYED = "destroyed"


TERMINAL_STATES = frozenset({ItemState.RESTOCKED, ItemState.REFURBISHED, ItemState.DONATED, ItemState.DESTROYED})
_DISPOSED = {"refurbish": ItemState.REFURBISHED, "donate": ItemState.DONATED, "destroy": ItemState.DESTROYED}

ALLOWED_MOVES: dict[ItemState, frozenset[ItemState]] = {
    ItemState.REQUESTED: frozenset({ItemState.RECEIVED}),
    ItemState.RECEIVED: frozenset({ItemState.INSPECTED}),
    ItemState.INSPECTED: frozenset({ItemState.QUARANTINED, *_DISPOSED.values()}),
    ItemState.QUARANTINED: frozenset({ItemState.SANITIZING, *_DISPOSED.values()}),
    # A failed lot sends its items back to quarantine (recall).
    ItemState.SANITIZING: frozenset({ItemState.SANITIZED, ItemState.QUARANTINED}),
    ItemState.SANITIZED: frozenset({ItemState.RESTOCKED, *_DISPOSED.values()}),
}


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    COMPLETED = "completed"


@dataclass(frozen=True)
class Actor:
    """Who did it: the staff member's subject (stable id) and their initials (shown publicly)."""

    subject: str
    name: str | None = None

    @property
    def initials(self) -> str:
        words = [w for w in (self.name or "").replace("-", " ").split() if w]
        return "".join(w[0].upper() for w in words)[:4] or "?"


@dataclass(frozen=True)
class Transition:
    item_id: uuid.UUID
    from_state: str
    to_state: str
    actor: Actor
    at: datetime
    details: dict[str, Any]


# --- orders (a copy of what checkout said when the order was paid) ---------------------------


def rate_group(category: str | None, hygiene_class: str) -> tuple[str, str | None, str | None]:
    """Where a line counts in the board's return rate by category: its product's category, or,
    for lines that carry none (older orders), its hygiene class, kept apart from the categories so
    a category named like a hygiene class is not merged with it. (key, category, hygiene class)."""
    if category:
        return category, category, None
    return f"hygiene:{hygiene_class}", None, hygiene_class


@dataclass
class OrderLine:
    order_id: uuid.UUID
    line_no: int
    sku: str
    product_id: uuid.UUID
    quantity: int
    unit_price_minor: int
    tax_minor: int  # the line's whole tax share (all units)
    hygiene_class: str = "standard"
    final_sale: bool = False
    # The product's main catalog category (a slug); None on orders paid before checkout sent it.
    category: str | None = None

    def unit_refund_minor(self, units_already_priced: int = 0) -> int:
        """Price plus tax share of one unit. The tax share is split so that the units of a line
        add up exactly to its tax (the remainder goes to the first units)."""
        base, remainder = divmod(self.tax_minor, self.quantity)
        extra = 1 if units_already_priced < remainder else 0
        return self.unit_price_minor + base + extra


@dataclass
class Order:
    id: uuid.UUID
    order_number: str
    customer_email: str
    province: str
    currency: str
    subtotal_minor: int
    tax_minor: int
    shipping_minor: int
    total_minor: int
    paid_at: datetime
    lines: list[OrderLine] = field(default_factory=list)
    order_token_digest: str | None = None

    def line(self, line_no: int) -> OrderLine | None:
        return next((line for line in self.lines if line.line_no == line_no), None)


# --- returns ----------------------------------------------------------------------------------


@dataclass
class ReturnItem:
    """One physical unit coming back: each has its own path, ledger and certificate."""

    return_id: uuid.UUID
    order_id: uuid.UUID
    line_no: int
    sku: str
    product_id: uuid.UUID
    hygiene_class: str
    reason_code: str
    unit_refund_minor: int
    currency: str
    state_entered_at: datetime
    seal_declared_intact: bool | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    state: str = ItemState.REQUESTED
    grade: str | None = None
    seal_intact: bool | None = None
    material: str | None = None
    quarantine_started_at: datetime | None = None
    quarantined_until: datetime | None = None
    lot_id: uuid.UUID | None = None
    sanitized_at: datetime | None = None
    certificate_id: str | None = None
    disposition: str | None = None

    # --- the moves ------------------------------------------------------------------------

    def _move(self, to: ItemState, actor: Actor, now: datetime, **details: Any) -> Transition:
        current = ItemState(self.state)
        if to not in ALLOWED_MOVES.get(current, frozenset()):
            raise IllegalTransition(
                f"Item {self.id} is {current.value}; it cannot become {to.value}.",
                current_state=current.value,
                item_id=str(self.id),
            )
        self.state = to.value
        self.state_entered_at = now
        return Transition(self.id, current.value, to.value, actor, now, details)

    def receive(self, actor: Actor, now: datetime) -> Transition:
        return self._move(ItemState.RECEIVED, actor, now)

    def inspect(
        self, *, grade: str, seal_intact: bool | None, material: str, policy: ReturnsPolicy, actor: Actor, now: datetime
    ) -> Transition:
        if grade not in GRADES:
            raise Unprocessable("grade", f"one of {', '.join(GRADES)}")
        if material not in policy.quarantine_hours:
            raise Unprocessable("material", f"one of {', '.join(sorted(policy.quarantine_hours))}")
        if self.hygiene_class == "sealed_hygiene" and seal_intact is None:
            raise Unprocessable("seal_intact", "a sealed hygiene item needs the seal checked (true or false)")
        transition = self._move(
            ItemState.INSPECTED, actor, now, grade=grade, seal_intact=seal_intact, material=material
        )
        self.grade, self.seal_intact, self.material = grade, seal_intact, material
        return transition

    def quarantine(
        self, *, policy: ReturnsPolicy, actor: Actor, now: datetime, reason: str = "inspection"
    ) -> Transition:
        # The material is known once inspected, which the state machine makes the only way in.
        duration = policy.quarantine_for(self.material or "other")
        until = now + duration
        transition = self._move(
            ItemState.QUARANTINED,
            actor,
            now,
            started_at=now.isoformat(),
            until=until.isoformat(),
            hours=duration.total_seconds() / 3600,
            material=self.material,
            reason=reason,
        )
        self.quarantine_started_at, self.quarantined_until = now, until
        self.lot_id, self.sanitized_at = None, None
        return transition

    def join_lot(self, lot: "SanitizationLot", actor: Actor, now: datetime) -> Transition:
        transition = self._move(ItemState.SANITIZING, actor, now, lot_id=str(lot.id), lot_code=lot.lot_code)
        self.lot_id = lot.id
        return transition

    def finish_sanitization(
        self, lot: "SanitizationLot", *, policy: ReturnsPolicy, actor: Actor, now: datetime
    ) -> Transition:
        if self.lot_id != lot.id:
            raise Conflict(f"Item {self.id} is not in lot {lot.lot_code}.")
        if lot.passed:
            transition = self._move(ItemState.SANITIZED, actor, now, **lot.summary())
            self.sanitized_at = lot.ended_at
            return transition
        # Recall: a failed lot restarts the item's quarantine from now.
        return self.quarantine(policy=policy, actor=actor, now=now, reason=f"lot {lot.lot_code} failed")

    def restock(self, *, policy: ReturnsPolicy, actor: Actor, now: datetime) -> Transition:
        """Back on sale; the certificate id comes from the ledger entry this move writes."""
        current = ItemState(self.state)
        if current is not ItemState.SANITIZED:
            raise IllegalTransition(
                f"Item {self.id} is {current.value}; only a sanitized item can be restocked.",
                current_state=current.value,
                item_id=str(self.id),
            )
        if self.quarantined_until is None or now < self.quarantined_until:
            raise IllegalTransition(
                f"Item {self.id} is still in quarantine until {self.quarantined_until}.",
                current_state=current.value,
                item_id=str(self.id),
                released_at=self.quarantined_until.isoformat() if self.quarantined_until else None,
            )
        if self.grade not in policy.restock_grades:
            raise IllegalTransition(
                f"Grade {self.grade} items are not resold; choose refurbish, donate or destroy.",
                current_state=current.value,
                item_id=str(self.id),
            )
        if self.hygiene_class == "sealed_hygiene" and self.seal_intact is not True:
            raise IllegalTransition(
                "A sealed hygiene item whose seal was broken is never resold.",
                current_state=current.value,
                item_id=str(self.id),
            )
        transition = self._move(ItemState.RESTOCKED, actor, now)
        self.disposition = "restock"
        return transition

    def dispose(self, disposition: str, *, actor: Actor, now: datetime) -> Transition:
        if disposition not in _DISPOSED:
            raise Unprocessable("disposition", f"one of {', '.join(DISPOSITIONS)}")
        transition = self._move(_DISPOSED[disposition], actor, now, disposition=disposition)
        self.disposition = disposition
        return transition

    # --- facts ----------------------------------------------------------------------------

    def refundable(self, policy: ReturnsPolicy) -> bool:
        """Whether this unit's refund is approved without a person deciding."""
        if self.grade not in policy.refund_grades:
            return False
        return not (self.hygiene_class == "sealed_hygiene" and self.seal_intact is not True)

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES


@dataclass
class ReturnRequest:
    order_id: uuid.UUID
    order_number: str
    rma_number: str
    preference: str
    token_digest: str
    currency: str
    created_at: datetime
    comment: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: str = ReturnStatus.REQUESTED
    received_at: datetime | None = None
    received_by: str | None = None
    refund_status: str | None = None
    refunded_minor: int = 0
    items: list[ReturnItem] = field(default_factory=list)

    def receive(self, actor: Actor, now: datetime) -> list[Transition]:
        if self.status != ReturnStatus.REQUESTED:
            raise IllegalTransition(
                f"Return {self.rma_number} is already {self.status}.", current_state=str(self.status)
            )
        self.status = ReturnStatus.RECEIVED
        self.received_at, self.received_by = now, actor.subject
        return [item.receive(actor, now) for item in self.items]

    def settle_if_done(self) -> None:
        if self.status == ReturnStatus.RECEIVED and all(item.is_terminal for item in self.items):
            self.status = ReturnStatus.COMPLETED


class LotStatus(StrEnum):
    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"


@dataclass
class SanitizationLot:
    lot_code: str
    method: str
    operator_subject: str
    operator_initials: str
    started_at: datetime
    parameters: dict[str, Any]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: str = LotStatus.OPEN
    ended_at: datetime | None = None
    item_count: int = 0

    def __post_init__(self) -> None:
        if self.method not in SANITIZATION_METHODS:
            raise Unprocessable("method", f"one of {', '.join(SANITIZATION_METHODS)}")

    @property
    def passed(self) -> bool:
        return self.status == LotStatus.PASSED

    def complete(self, *, passed: bool, ended_at: datetime, parameters: dict[str, Any] | None) -> None:
        if self.status != LotStatus.OPEN:
            raise IllegalTransition(f"Lot {self.lot_code} is already {self.status}.", current_state=str(self.status))
        if ended_at < self.started_at:
            raise Unprocessable("ended_at", "a lot cannot end before it started")
        self.status = LotStatus.PASSED if passed else LotStatus.FAILED
        self.ended_at = ended_at
        if parameters:
            self.parameters = {**self.parameters, **parameters}

    def summary(self) -> dict[str, Any]:
        return {
            "lot_id": str(self.id),
            "lot_code": self.lot_code,
            "method": self.method,
            "operator_initials": self.operator_initials,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "parameters": self.parameters,
            "passed": self.passed,
        }
