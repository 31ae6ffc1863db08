from pydantic import Field
from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_CHECKOUT_")

    database_url: str = secret("postgresql+psycopg://checkout:checkout@127.0.0.1:55432/vitrine_checkout")
    stripe_api_key: str = secret("sk_test_vitrine_dev")
    stripe_webhook_secret: str = secret("whsec_vitrine_dev")
    # Where the Stripe library sends requests; empty means Stripe itself (production).
    stripe_api_base: str = "http://127.0.0.1:8420"
    catalog_url: str = "http://127.0.0.1:8101"
    # A cart lives this long after its last change; then its token no longer opens it.
    cart_ttl_hours: int = Field(default=7 * 24, ge=1, le=90 * 24)
    # How long the catalog holds stock for an unpaid order; then the order is cancelled.
    reservation_ttl_seconds: int = Field(default=30 * 60, ge=60, le=24 * 3600)
    shipping_flat_minor: int = Field(default=995, ge=0)
    free_shipping_from_minor: int = Field(default=10000, ge=0)
