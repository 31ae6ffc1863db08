"""One service calling another: client credentials at identity, then a bearer call."""

import pytest

from vitrine_shared.auth.principal import Role
from vitrine_shared.service_client import ServiceClient, ServiceTokenProvider, UpstreamProblem

pytestmark = pytest.mark.integration

EDGE = "http://127.0.0.1:8080"


def test_a_service_token_is_fetched_cached_and_accepted_by_another_service() -> None:
    tokens = ServiceTokenProvider(identity_url=EDGE, client_id="returns", client_secret="vitrine-dev-service-secret")
    client = ServiceClient(EDGE, tokens, service="identity")
    me = client.get("/api/identity/me").json()
    assert me["subject"] == "service:returns"
    assert me["roles"] == [Role.SERVICE]
    assert tokens.token() == tokens.token()  # cached, not fetched per call


def test_the_other_side_refusal_becomes_our_problem_with_its_status() -> None:
    client = ServiceClient(EDGE, None, service="identity")
    with pytest.raises(UpstreamProblem) as refused:
        client.get("/api/identity/staff")
    assert refused.value.status == 401
