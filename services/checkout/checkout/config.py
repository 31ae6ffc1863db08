from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import ServiceSettings, secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_CHECKOUT_")

    database_url: str = secret("postgresql+psycopg://checkout:checkout@127.0.0.1:55432/vitrine_checkout")
    stripe_api_key: str = secret("sk_test_vitrine_dev")
    stripe_webhook_secret: str = secret("whsec_vitrine_dev")
    # Where the Stripe library sends requests; empty means Stripe itself (production).
    stripe_api_base: str = "http://127.0.0.1:8420"
