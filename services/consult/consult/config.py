from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import VAR_DIR, ServiceSettings, secret


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
    # The relay (aiortc, in the API process). Admission control: at most this many relayed calls
    # per instance; beyond it a clear refusal instead of every call degrading. See docs/consult.md
    # for the budget (FACTS.md: a naive decode/re-encode relay fits ~3 on 2 cores).
    relay_max_sessions: int = Field(default=6, ge=0, le=200)
    p2p_timeout_s: float = Field(default=15, gt=0, le=120)
    recording_dir: Path = VAR_DIR / "recordings"
    recording_retention_days: float = Field(default=30, gt=0, le=365)
    average_call_minutes: float = Field(default=8, gt=0, le=120)
    hello_timeout_s: float = Field(default=10, gt=0, le=60)
    # Other services (base URLs).
    catalog_url: str = "http://127.0.0.1:8101"
    checkout_url: str = "http://127.0.0.1:8102"
    # The demo seed reads the demo advisors' ids from identity with the demo admin (development).
    seed_admin_email: str = "admin@vitrine.test"
    seed_admin_password: str = secret("vitrine-demo-2026")
