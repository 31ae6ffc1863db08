from pydantic import Field
from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_CATALOG_")

    database_url: str = secret("postgresql+psycopg://catalog:catalog@127.0.0.1:55432/vitrine_catalog")
    elasticsearch_url: str = "http://127.0.0.1:9200"
    # The alias searches read; versioned indices behind it are named `<alias>-v<timestamp>-<id>`.
    search_alias: str = Field(default="catalog-products", pattern=r"^[a-z0-9][a-z0-9_-]{0,60}$")
    # A search that cannot answer in this time answers 503 instead of holding the shopper.
    search_timeout_s: float = Field(default=3.0, gt=0, le=30)
    # Bulk writes and rebuilds may take longer on a busy node; they never hold a shopper.
    indexing_timeout_s: float = Field(default=30.0, gt=0, le=300)
    index_interval_s: float = Field(default=1.0, gt=0, le=60)
    index_batch_size: int = Field(default=500, ge=1, le=5000)
    reservation_sweep_interval_s: float = Field(default=15.0, gt=0, le=3600)
