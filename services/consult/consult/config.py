from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_CONSULT_")

    database_url: str = secret("postgresql+psycopg://consult:consult@127.0.0.1:55432/vitrine_consult")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_sender: str = "Vitrine <conseil@vitrine.test>"
    reminder_lead_hours: float = Field(default=24, gt=0, le=24 * 14)
    reminder_interval_s: float = Field(default=60, gt=0)
    # Calls. ICE servers handed to both browsers: STUN/TURN of our own (coturn in docker-compose),
    # never a public server by default; an empty list works on one host and on a LAN.
    ice_servers: list[dict[str, Any]] = Field(default_factory=list)
    average_call_minutes: float = Field(default=8, gt=0, le=120)
    hello_timeout_s: float = Field(default=10, gt=0, le=60)
    # Other services (base URLs).
    catalog_url: str = "http://127.0.0.1:8101"
    checkout_url: str = "http://127.0.0.1:8102"
    # The demo seed reads the demo advisors' ids from identity with the demo admin (development).
    seed_admin_email: str = "admin@vitrine.test"
    seed_admin_password: str = secret("vitrine-demo-2026")
