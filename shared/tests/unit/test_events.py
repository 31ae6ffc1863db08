import uuid

import pytest
from pydantic import ValidationError

from vitrine_shared.events import Envelope, EventData, event_model, known_event_types
from vitrine_shared.events.contracts import ProbeSent, StockChanged

DESIGNED_EVENT_TYPES = {
    "catalog.product.upserted", "catalog.product.archived", "catalog.stock.changed",
    "checkout.order.placed", "checkout.order.paid", "checkout.order.cancelled", "checkout.order.refunded",
    "consult.booking.created", "consult.booking.rescheduled", "consult.booking.cancelled",
    "consult.booking.reminder_due", "consult.session.started", "consult.session.ended",
    "consult.product.shared", "returns.return.requested", "returns.return.received",
    "returns.item.inspected", "returns.item.quarantined", "returns.item.sanitized",
    "returns.item.restocked", "returns.item.disposed", "returns.refund.approved",
}  # fmt: skip


def test_every_designed_event_type_has_a_schema() -> None:
    missing = DESIGNED_EVENT_TYPES - {event_type for event_type, _ in known_event_types()}
    assert not missing, f"no schema for {sorted(missing)}"


def test_event_types_are_named_producer_aggregate_fact() -> None:
    for event_type, version in known_event_types():
        assert len(event_type.split(".")) == 3, event_type
        assert version >= 1


def test_envelope_round_trips_through_json_to_the_typed_payload() -> None:
    data = ProbeSent(probe_id=uuid.uuid4(), sequence=3)
    envelope = Envelope.wrap(data, producer="test", correlation_id="corr-1", causation_id="cause-1")
    parsed = Envelope.model_validate_json(envelope.model_dump_json())
    assert parsed == envelope
    assert parsed.payload() == data
    assert parsed.occurred_at.tzinfo is not None


def test_consumers_ignore_unknown_fields_added_later() -> None:
    data = {
        "product_id": str(uuid.uuid4()), "variant_sku": "TS-1-M", "on_hand": 3, "reserved": 1,
        "available": 2, "reason": "sale", "warehouse": "added in a later release",
    }  # fmt: skip
    assert isinstance(event_model("catalog.stock.changed", 1).model_validate(data), StockChanged)


def test_bad_data_for_a_known_type_is_refused() -> None:
    envelope = Envelope(type="catalog.stock.changed", version=1, producer="x", correlation_id="c", data={})
    with pytest.raises(ValidationError):
        envelope.payload()


def test_unknown_type_or_version_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        event_model("catalog.stock.changed", 99)


def test_a_type_and_version_cannot_be_defined_twice() -> None:
    with pytest.raises(TypeError, match="defined twice"):

        class Again(EventData):
            event_type = "catalog.stock.changed"
