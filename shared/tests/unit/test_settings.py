import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from vitrine_shared.settings import Environment, ServiceSettings, secret


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VITRINE_EXAMPLE_")
    database_url: str = secret("postgresql+psycopg://example:example@127.0.0.1/example")
    api_key: str = secret("sk_test_default")


def test_development_accepts_the_defaults() -> None:
    assert ExampleSettings().environment is Environment.DEVELOPMENT


def test_production_refuses_default_secrets_and_names_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_EXAMPLE_ENVIRONMENT", "production")
    monkeypatch.setenv("VITRINE_EXAMPLE_DATABASE_URL", "postgresql+psycopg://prod:s3cret@db/prod")
    with pytest.raises(ValidationError) as refused:
        ExampleSettings()
    assert "amqp_url" in str(refused.value)
    assert "api_key" in str(refused.value)
    assert "database_url" not in str(refused.value)


def test_production_starts_when_every_secret_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_EXAMPLE_ENVIRONMENT", "production")
    monkeypatch.setenv("VITRINE_EXAMPLE_DATABASE_URL", "postgresql+psycopg://prod:s3cret@db/prod")
    monkeypatch.setenv("VITRINE_EXAMPLE_AMQP_URL", "amqps://prod:s3cret@mq/")
    monkeypatch.setenv("VITRINE_EXAMPLE_API_KEY", "sk_live_real")
    monkeypatch.setenv("VITRINE_EXAMPLE_SERVICE_CLIENT_SECRET", "a-long-random-secret")
    assert ExampleSettings().environment is Environment.PRODUCTION
