from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import VAR_DIR, ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_IDENTITY_")

    database_url: str = secret("postgresql+psycopg://identity:identity@127.0.0.1:55432/vitrine_identity")
    auth_private_key_file: Path = VAR_DIR / "keys" / "auth-private.pem"
    staff_token_ttl_minutes: int = Field(default=8 * 60, ge=5, le=24 * 60)
    shopper_token_ttl_minutes: int = Field(default=30 * 24 * 60, ge=5)
    service_token_ttl_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # client id -> secret of each service allowed to call others (JSON in the environment).
    service_clients: dict[str, str] = secret(
        dict.fromkeys(("catalog", "checkout", "consult", "returns"), "vitrine-dev-service-secret")
    )
