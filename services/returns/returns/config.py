from pydantic import Field
from pydantic_settings import SettingsConfigDict

from returns.domain.policy import DEFAULT_QUARANTINE_HOURS, DEFAULT_SHIPPING_REFUND_REASONS, DEFAULT_SLA_HOURS
from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_RETURNS_")

    database_url: str = secret("postgresql+psycopg://returns:returns@127.0.0.1:55432/vitrine_returns")
    # The policy tables (JSON in the environment for the mappings).
    return_window_days: int = Field(default=30, ge=0, le=365)
    quarantine_hours: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_QUARANTINE_HOURS))
    sla_hours: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    shipping_refund_reasons: list[str] = Field(default_factory=lambda: list(DEFAULT_SHIPPING_REFUND_REASONS))
    max_photo_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    max_photos_per_return: int = Field(default=5, ge=0, le=50)
    # The live board: how often a stream looks for changes, and how long one stream lasts before
    # the client reconnects (so streams spread over instances and never pile up).
    board_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    board_stream_max_seconds: float = Field(default=300.0, gt=0, le=3600)
