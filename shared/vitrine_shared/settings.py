"""The base of every service's settings: one pydantic-settings class per service, one env prefix.

Defaults make the local run work without any environment. A field marked `secret=True` must be
given a non-default value when the environment is production: the service refuses to start
otherwise.
"""

import os
import socket
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("VITRINE_VAR_DIR", REPO_ROOT / "var"))


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def secret(default: Any, **kwargs: Any) -> Any:
    """A setting whose default only suits development."""
    return Field(default=default, json_schema_extra={"secret": True}, **kwargs)


class ServiceSettings(BaseSettings):
    environment: Environment = Environment.DEVELOPMENT
    database_url: str
    amqp_url: str = secret("amqp://vitrine:vitrine@127.0.0.1:5672/%2F")
    auth_public_key_file: Path = VAR_DIR / "keys" / "auth-public.pem"
    log_level: str = "INFO"
    instance_id: str = Field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    consumer_prefetch: int = Field(default=50, ge=1, le=1000)
    consumer_delivery_limit: int = Field(default=5, ge=1, le=100)
    # After its quick redeliveries a failing message waits this long, up to this many times,
    # before it is dead-lettered (20 x 30 s: a ten-minute outage loses nothing).
    consumer_park_seconds: float = Field(default=30.0, gt=0, le=3600)
    consumer_max_parks: int = Field(default=20, ge=0, le=1000)
    outbox_batch_size: int = Field(default=200, ge=1, le=10000)
    # Service-to-service calls: this service's client secret, exchanged at identity for a token.
    identity_url: str = "http://127.0.0.1:8105"
    service_client_secret: str = secret("vitrine-dev-service-secret")

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> "ServiceSettings":
        if self.environment is not Environment.PRODUCTION:
            return self
        left_at_default = [
            name
            for name, field in type(self).model_fields.items()
            if isinstance(field.json_schema_extra, dict)
            and field.json_schema_extra.get("secret")
            and getattr(self, name) == field.default
        ]
        if left_at_default:
            raise ValueError("production refuses development defaults for: " + ", ".join(sorted(left_at_default)))
        return self

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.DEVELOPMENT

    def auth_public_key(self) -> str:
        return self.auth_public_key_file.read_text()
