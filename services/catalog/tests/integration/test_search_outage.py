"""Elasticsearch stopped for real: search answers 503 problems, writes still succeed, and once it
is back the index catches up with nothing missing. Stops the local node for about half a minute."""

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.bootstrap import Container
from catalog.service_layer import search
from vitrine_shared.testing import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("seeded")]
API = "/api/catalog"
ES_CTL = Path(__file__).resolve().parents[4] / "ops" / "elasticsearch-ctl"


def es(action: str) -> None:
    subprocess.run([str(ES_CTL), action], check=True, capture_output=True, timeout=180)


def test_index_catches_up_after_an_outage(
    client: TestClient, container: Container, ops_headers: dict[str, str], index_now: Callable[[], None]
) -> None:
    index_now()
    wait_until(
        lambda: search.index_differences(container.uow, container.indexing_index) == [],
        timeout=30,
        what="the index to equal the database before the outage",
    )
    products: list[dict[str, Any]] = client.get(
        f"{API}/products", params={"category": "accessoires", "per_page": 100}
    ).json()["items"]
    products += client.get(f"{API}/products", params={"category": "hauts", "per_page": 100}).json()["items"]
    products = products[:100]
    assert len(products) >= 50
    stamp = uuid.uuid4().int % 90 + 10
    es("stop")
    try:
        down = client.get(f"{API}/search", params={"q": "robe"})
        assert down.status_code == 503
        assert down.headers["content-type"].startswith("application/problem+json")
        assert client.get(f"{API}/suggest", params={"q": "rob"}).status_code == 503
        for product in products:
            changed = client.patch(
                f"{API}/staff/products/{product['id']}",
                json={"price_minor": product["price_minor"] // 100 * 100 + stamp},
                headers=ops_headers,
            )
            assert changed.status_code == 200, changed.text
        # Reading from the database does not need the index.
        assert client.get(f"{API}/products/{products[0]['id']}").json()["price_minor"] % 100 == stamp
        assert search.index_pending(container.uow, container.indexing_index) == 0
        with container.uow() as uow:
            assert uow.products.pending_count() >= len(products)
    finally:
        es("start")
    # The running worker (or this drain, whichever comes first) catches up.
    index_now()
    wait_until(
        lambda: search.index_differences(container.uow, container.indexing_index) == [],
        timeout=60,
        what="the index to equal the database again",
    )

    def search_shows_new_price() -> bool:
        # Just after a restart the node may still be warming up: a 503 here is retried.
        found = client.get(f"{API}/search", params={"q": products[0]["name"]["fr"], "per_page": 50})
        return found.status_code == 200 and any(item["price_minor"] % 100 == stamp for item in found.json()["items"])

    wait_until(search_shows_new_price, timeout=30, what="search to answer with the new prices")
