"""Search and suggestions over the index, and the indexer that keeps the index equal to the
database. Writes never touch Elasticsearch: they queue the product in `search_pending` in their
own transaction, and the worker drains that queue in bulk. If Elasticsearch is away, the queue
waits and searches answer 503 at once."""

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from elasticsearch import ApiError, TransportError

from catalog.adapters.search import SearchIndex, SearchQuery, search_body, suggest_body
from catalog.service_layer.unit_of_work import CatalogUnitOfWork
from vitrine_shared.problems import ServiceUnavailable

log = logging.getLogger(__name__)

SEARCH_DOWN = (TransportError, ApiError)


def _facets(aggregations: dict[str, Any]) -> dict[str, Any]:
    buckets = {
        name: [{"value": bucket["key"], "count": bucket["doc_count"]} for bucket in aggregations[name]["buckets"]]
        for name in ("category", "brand", "size", "colour", "price")
    }
    return {
        **buckets,
        "in_stock": aggregations["in_stock"]["doc_count"],
        "consult_available": aggregations["consult_available"]["doc_count"],
    }


def search_products(index: SearchIndex, query: SearchQuery) -> dict[str, Any]:
    try:
        response = index.search(search_body(query))
    except SEARCH_DOWN as exc:
        log.warning("search unavailable", extra={"error": str(exc)[:300]})
        raise ServiceUnavailable("Search is unavailable for a moment; browsing by category still works.") from exc
    items = []
    for hit in response.get("hits", {}).get("hits", []):
        source = hit["_source"]
        items.append(
            {
                "id": source["id"],
                "sku": source["sku"],
                "name": {"fr": source["name_fr"], "en": source["name_en"]},
                "brand": source["brand"],
                "categories": source["categories"],
                "price_minor": source["price_minor"],
                "currency": source["currency"],
                "available": source["available"],
                "in_stock": source["in_stock"],
                "consult_available": source["consult_available"],
                "hygiene_class": source["hygiene_class"],
                "final_sale": source["final_sale"],
                "image": source.get("image"),
                "sizes": source.get("sizes", []),
                "colours": source.get("colours", []),
                "score": hit.get("_score"),
            }
        )
    return {
        "items": items,
        "total": response["hits"]["total"]["value"],
        "page": query.page,
        "per_page": query.per_page,
        "facets": _facets(response["aggregations"]),
    }


def suggest(index: SearchIndex, text: str, *, language: str, size: int = 8) -> dict[str, Any]:
    try:
        response = index.search(suggest_body(text, size * 3))
    except SEARCH_DOWN as exc:
        raise ServiceUnavailable("Suggestions are unavailable for a moment.") from exc
    suggestions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for hit in response.get("hits", {}).get("hits", []):
        source = hit["_source"]
        shown = source["name_fr"] if language == "fr" else source["name_en"]
        if shown in seen or len(suggestions) == size:
            continue
        seen.add(shown)
        suggestions.append(
            {
                "text": shown,
                "name": {"fr": source["name_fr"], "en": source["name_en"]},
                "product_id": source["id"],
                "sku": source["sku"],
            }
        )
    completions = [
        {"text": bucket["key"].split("|", 1)[1], "count": bucket["doc_count"]}
        for bucket in response.get("aggregations", {}).get("words", {}).get("buckets", [])
    ]
    return {"query": text, "completions": completions, "suggestions": suggestions}


Claimed = list[tuple[uuid.UUID, int, str | None]]


def _claim(
    uow_factory: Callable[[], CatalogUnitOfWork], index: SearchIndex, batch: int, after_version: int
) -> tuple[Claimed, list[str]]:
    """The next queued products (in version order) with their documents, built by the database,
    and the indices to write them to."""
    with uow_factory() as uow:
        claimed = uow.products.claim_pending_documents(batch, after_version)
        # The claim is released at once: holding row locks across a call to Elasticsearch
        # would make product writes wait on the search cluster.
        uow.commit()
    # Looked up after the claim: a rebuild that started before these changes were queued is
    # then among the targets, so it gets every change made after its snapshot.
    return claimed, index.write_targets() if claimed else []


def index_pending(uow_factory: Callable[[], CatalogUnitOfWork], index: SearchIndex, *, batch: int = 500) -> int:
    """Bulk-index every queued product; returns how many documents were written. Rows are
    forgotten only after Elasticsearch accepted them, and only if no newer change was queued
    meanwhile, so a crash or an outage at any point leaves them queued. While Elasticsearch
    indexes one batch, a helper thread claims the next and forgets the previous one."""
    written = 0
    try:
        index.ensure_alias()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-index-prepare") as pool:
            claimed, targets = _claim(uow_factory, index, batch, 0)
            forgetting = None
            while claimed:
                upcoming = None
                if len(claimed) == batch:
                    upcoming = pool.submit(_claim, uow_factory, index, batch, claimed[-1][1])
                documents = [(pid, version, body) for pid, version, body in claimed if body is not None]
                outcome = index.bulk(documents, targets)
                if outcome.failed:
                    sample = {str(key): value for key, value in list(outcome.failed.items())[:5]}
                    log.error("documents refused by the index", extra={"failed": sample})
                done = set(outcome.indexed) | {pid for pid, _, body in claimed if body is None}
                if forgetting is not None:
                    forgetting.result()
                forgetting = pool.submit(_forget, uow_factory, [(pid, v) for pid, v, _ in claimed if pid in done])
                written += len(outcome.indexed)
                if upcoming is None or outcome.failed:
                    break
                claimed, targets = upcoming.result()
            if forgetting is not None:
                forgetting.result()
        return written
    except SEARCH_DOWN as exc:
        log.warning("search index unreachable; queued products wait", extra={"error": str(exc)[:200]})
        return written


def _forget(uow_factory: Callable[[], CatalogUnitOfWork], indexed: list[tuple[uuid.UUID, int]]) -> None:
    with uow_factory() as uow:
        uow.products.done_pending(indexed)
        uow.commit()


def reanalyse(uow_factory: Callable[[], CatalogUnitOfWork], *, progress: Callable[[int], None] = lambda _: None) -> int:
    """Works out every product's search words again (after a change to the language code). A
    reindex afterwards carries them to the index."""
    total = 0
    with uow_factory() as uow:
        for count in uow.products.reanalyse_all():
            total += count
            progress(count)
        uow.commit()
    return total


def rebuild_index(
    uow_factory: Callable[[], CatalogUnitOfWork],
    index: SearchIndex,
    *,
    batch: int = 1000,
    progress: Callable[[int], None] = lambda _: None,
) -> tuple[str, int, list[str]]:
    """Zero-downtime reindex from the database: a new versioned index is filled while the old
    one keeps serving (and the indexer writes to both), then the alias moves in one call."""
    name = index.create_index()
    try:
        return _fill_and_swap(uow_factory, index, name, batch=batch, progress=progress)
    except Exception:
        # A failed rebuild leaves nothing behind: the alias never moved, the live index serves on.
        index.client.indices.delete(index=name, ignore_unavailable=True)
        raise


def _fill_and_swap(
    uow_factory: Callable[[], CatalogUnitOfWork],
    index: SearchIndex,
    name: str,
    *,
    batch: int,
    progress: Callable[[int], None],
) -> tuple[str, int, list[str]]:
    index.start_building(name)
    with uow_factory() as uow:
        # Everything queued after this version is newer than what we are about to read, and the
        # live indexer now writes it into the new index too; external versions settle any race.
        snapshot_version = uow.products.current_search_version()
        uow.commit()
    total = 0
    with uow_factory() as uow:
        for ids in uow.products.all_ids(batch):
            docs = [(pid, snapshot_version, body) for pid, body in uow.products.search_documents(ids)]
            outcome = index.bulk(docs, [name])
            if outcome.failed:
                raise RuntimeError(f"{len(outcome.failed)} documents refused while rebuilding {name}")
            total += len(docs)
            progress(len(docs))
    index.client.indices.refresh(index=name)
    left = index.swap(name)
    for old in left:
        index.client.indices.delete(index=old)
    return name, total, left


def index_differences(uow_factory: Callable[[], CatalogUnitOfWork], index: SearchIndex) -> list[str]:
    """SKUs whose document differs from the database (or is missing): empty when in sync."""
    differences: list[str] = []
    with uow_factory() as uow:
        for ids in uow.products.all_ids(1000):
            products = uow.products.get_many(ids)
            docs = index.get_many([str(product.id) for product in products])
            for product in products:
                doc = docs.get(str(product.id))
                expected = {
                    "revision": product.revision,
                    "available": product.available,
                    "archived": product.archived,
                    "price_minor": product.price_minor,
                }
                if doc is None or any(doc.get(key) != value for key, value in expected.items()):
                    differences.append(product.sku)
    return differences
