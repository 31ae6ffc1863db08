"""The event envelope every message on the bus wears, and the base of every event schema.

Schemas are data only. Additive changes keep the version; consumers ignore unknown fields; a
breaking change is a new class with `version = n + 1`, published alongside the old one until
every consumer has moved.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

_REGISTRY: dict[tuple[str, int], type["EventData"]] = {}


class EventData(BaseModel):
    """The payload of one event type. Subclasses set `event_type` and `version`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        key = (cls.event_type, cls.version)
        if key in _REGISTRY:
            raise TypeError(f"event {key} is defined twice: {_REGISTRY[key].__name__} and {cls.__name__}")
        _REGISTRY[key] = cls


def event_model(event_type: str, version: int) -> type[EventData]:
    try:
        return _REGISTRY[(event_type, version)]
    except KeyError:
        raise LookupError(f"no schema for event {event_type} v{version}") from None


def known_event_types() -> list[tuple[str, int]]:
    return sorted(_REGISTRY)


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    occurred_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    correlation_id: str
    causation_id: str | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        data: EventData,
        *,
        producer: str,
        correlation_id: str,
        causation_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Self:
        return cls(
            type=data.event_type,
            version=data.version,
            producer=producer,
            correlation_id=correlation_id,
            causation_id=causation_id,
            data=data.model_dump(mode="json"),
            **({"occurred_at": occurred_at} if occurred_at else {}),
        )

    def payload(self) -> EventData:
        """The typed data; raises LookupError for an unknown type, ValidationError for bad data."""
        return event_model(self.type, self.version).model_validate(self.data)
