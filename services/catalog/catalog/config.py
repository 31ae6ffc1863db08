from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_CATALOG_")

    database_url: str = secret("postgresql+psycopg://catalog:catalog@127.0.0.1:55432/vitrine_catalog")
    elasticsearch_url: str = "http://127.0.0.1:9200"
