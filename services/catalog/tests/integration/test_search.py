"""Search on the real Elasticsearch over the seeded demo catalog."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.bootstrap import Container
from catalog.service_layer import search
from vitrine_shared.testing import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("seeded")]
API = "/api/catalog"


def skus(client: TestClient, **params: Any) -> list[str]:
    response = client.get(f"{API}/search", params=params)
    assert response.status_code == 200, response.text
    return [item["sku"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "lang", "prefix"),
    [
        ("ete", "fr", "VT-DRS-"),  # accents folded: "ete" finds "été"
        ("robe d'été", "fr", "VT-DRS-"),
        ("chaussure", "fr", "VT-RUN-"),  # singular finds plural
        ("chaussures de course", "fr", "VT-RUN-"),
        ("shoe", "en", "VT-RUN-"),
        ("running shoes", "en", "VT-RUN-"),
        ("chausures", "fr", "VT-RUN-"),  # one typo on a long word
        ("matelas", "fr", "VT-MAT-"),
        ("mattress", "en", "VT-MAT-"),
        ("matress", "en", "VT-MAT-"),  # one typo
        ("ecouteurs", "fr", "VT-EAR-"),
        ("earbud", "en", "VT-EAR-"),
    ],
)
def test_accents_inflections_and_typos(client: TestClient, query: str, lang: str, prefix: str) -> None:
    found = skus(client, q=query, lang=lang, per_page=3)
    assert found, f"nothing for {query!r}"
    assert all(sku.startswith(prefix) for sku in found), (query, found)


def test_short_words_get_no_typo_allowance(client: TestClient) -> None:
    # "robe" with a typo is another short word; four letters get no edit, so no dresses appear.
    assert not any(sku.startswith("VT-DRS-") for sku in skus(client, q="rabe", per_page=20))


def test_prefix_suggestions(client: TestClient) -> None:
    response = client.get(f"{API}/suggest", params={"q": "chau", "lang": "fr"})
    assert response.status_code == 200
    words = [completion["text"] for completion in response.json()["completions"]]
    assert {"chaussures", "chaussettes", "chaud"} <= set(words), words
    texts = [suggestion["text"] for suggestion in response.json()["suggestions"]]
    assert texts[0].startswith(("Chaussures", "Chaussettes")), texts
    accented = client.get(f"{API}/suggest", params={"q": "ete", "lang": "fr"}).json()["completions"]
    assert [completion["text"] for completion in accented] == ["été"]
    assert len(texts) == len(set(texts))
    english = client.get(f"{API}/suggest", params={"q": "mattr", "lang": "en"}).json()["suggestions"]
    assert english and all("mattress" in suggestion["text"].lower() for suggestion in english), english


def test_facets_count_the_matching_products(client: TestClient) -> None:
    body = client.get(f"{API}/search", params={"q": "casque", "per_page": 50}).json()
    facets = body["facets"]
    categories = {bucket["value"]: bucket["count"] for bucket in facets["category"]}
    assert categories.get("sport", 0) >= 9 and categories.get("electronique", 0) >= 9
    assert sum(bucket["count"] for bucket in facets["price"]) == body["total"]
    assert 0 < facets["in_stock"] <= body["total"]
    assert 0 < facets["consult_available"] <= body["total"]
    assert {bucket["value"] for bucket in facets["size"]} >= {"S", "M", "L"}
    assert facets["brand"] and facets["colour"]
    narrowed = client.get(f"{API}/search", params={"q": "casque", "category": "sport", "per_page": 50}).json()
    assert narrowed["total"] == categories["sport"]
    assert all("sport" in item["categories"] for item in narrowed["items"])


def test_filters_sort_and_pagination(client: TestClient) -> None:
    cheap_first = client.get(
        f"{API}/search", params={"category": "chaussures", "sort": "price_asc", "per_page": 100}
    ).json()
    prices = [item["price_minor"] for item in cheap_first["items"]]
    assert prices == sorted(prices) and len(prices) == cheap_first["total"] >= 36
    dear_first = skus(client, category="chaussures", sort="price_desc", per_page=5)
    assert dear_first[0] == cheap_first["items"][-1]["sku"] or prices[-1] == prices[-2]
    pages = [skus(client, category="chaussures", sort="price_asc", per_page=10, page=page) for page in (1, 2, 3, 4)]
    flat = [sku for page in pages for sku in page]
    assert flat == [item["sku"] for item in cheap_first["items"][:40]]
    ranged = client.get(f"{API}/search", params={"price_min": 5000, "price_max": 10000, "per_page": 100}).json()
    assert all(5000 <= item["price_minor"] <= 10000 for item in ranged["items"])
    in_stock = client.get(
        f"{API}/search", params={"in_stock": "true", "consult_available": "true", "per_page": 100}
    ).json()
    assert all(item["in_stock"] and item["consult_available"] for item in in_stock["items"])
    assert client.get(f"{API}/search", params={"sort": "cheapest"}).status_code == 422
    assert client.get(f"{API}/search", params={"page": 1000, "per_page": 100}).status_code == 422


def test_newest_sort_and_changes_reach_the_index(
    client: TestClient,
    ops_headers: dict[str, str],
    create_product: Callable[..., dict[str, Any]],
    index_now: Callable[[], None],
) -> None:
    category = f"essai-{uuid.uuid4().hex[:8]}"
    older = create_product(categories=[category])
    product = create_product(categories=[category])
    token = product["name"]["fr"].split()[2]
    index_now()
    # The running worker indexes the same queue; whichever writes last, the index settles.
    wait_until(lambda: skus(client, q=token) == [product["sku"]], timeout=30, what="the new product in search")
    assert skus(client, category=category, sort="newest") == [product["sku"], older["sku"]]
    client.post(f"{API}/staff/products/{product['id']}/archive", headers=ops_headers)
    index_now()
    wait_until(lambda: skus(client, q=token) == [], timeout=30, what="the archived product out of search")


def test_search_unavailable_is_a_503_problem(container: Container) -> None:
    broken = (
        search.SearchIndex(search.make_search_client("http://127.0.0.1:9", timeout=1))
        if hasattr(search, "make_search_client")
        else None
    )
    from catalog.adapters.search import SearchIndex, SearchQuery, make_search_client
    from vitrine_shared.problems import ServiceUnavailable

    broken = SearchIndex(make_search_client("http://127.0.0.1:9", timeout=1))
    with pytest.raises(ServiceUnavailable):
        search.search_products(broken, SearchQuery(text="robe"))


def test_reindex_builds_a_new_index_and_swaps_the_alias(container: Container, client: TestClient) -> None:
    before = sorted(container.search.indices.get_alias(name=container.search_index.alias).body)
    name, total, left = search.rebuild_index(container.uow, container.indexing_index)
    after = sorted(container.search.indices.get_alias(name=container.search_index.alias).body)
    assert after == [name] and name not in before and left == before
    assert not container.search.indices.exists(index=before[0])
    assert total >= 318
    wait_until(
        lambda: search.index_differences(container.uow, container.indexing_index) == [],
        timeout=30,
        what="the rebuilt index to equal the database",
    )
    assert skus(client, q="matelas", per_page=1)


def test_indexer_works_through_many_small_batches(container: Container) -> None:
    with container.uow() as uow:
        ids = next(iter(uow.products.all_ids(40)))
        uow.products.queue_for_index(ids)
        uow.commit()
    # The worker may take some of them first; whatever is left goes through batches of 7, the
    # next one read while the current one is indexed.
    search.index_pending(container.uow, container.indexing_index, batch=7)
    with container.uow() as uow:
        waiting = {product_id for product_id, _, _ in uow.products.claim_pending_documents(100_000)}
    assert not waiting & set(ids)
    # Other suites write to this catalog too; their changes reach the index within a moment.
    wait_until(
        lambda: search.index_differences(container.uow, container.indexing_index) == [],
        timeout=30,
        what="the index to equal the database",
    )
