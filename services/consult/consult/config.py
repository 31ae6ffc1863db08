from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_CONSULT_")

    database_url: str = secret("postgresql+psycopg://consult:consult@127.0.0.1:55432/vitrine_consult")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
