from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_RETURNS_")

    database_url: str = secret("postgresql+psycopg://returns:returns@127.0.0.1:55432/vitrine_returns")
