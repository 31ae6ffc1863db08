"""Catalog at 100k products: (a) bulk indexing through the catalog's indexer (claim, documents
built by the database, versioned `_bulk`) vs a raw `_bulk` of the same documents, same chunk size;
(b) search latency and throughput through the service at concurrency 1, 8, 32 vs the same
Elasticsearch query sent directly; (c) product detail through the service. Same run, loopback.

Uses its own database (`vitrine_catalog_bench`, created, migrated and filled on first run) and its
own search alias, so the running catalog and its index are untouched."""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.results import write_result
from bench.support import percentile, start_uvicorn

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = "postgresql+psycopg://catalog:catalog@127.0.0.1:55432/postgres"
BENCH_DB = "vitrine_catalog_bench"
DATABASE_URL = f"postgresql+psycopg://catalog:catalog@127.0.0.1:55432/{BENCH_DB}"
ES_URL = os.environ.get("VITRINE_CATALOG_ELASTICSEARCH_URL", "http://127.0.0.1:9200")
ALIAS = "bench-catalog-products"
PRODUCTS = int(os.environ.get("BENCH_CATALOG_PRODUCTS", "100000"))
CHUNK = int(os.environ.get("BENCH_CATALOG_CHUNK", "500"))
SEARCHES = int(os.environ.get("BENCH_CATALOG_SEARCHES", "600"))
DETAILS = int(os.environ.get("BENCH_CATALOG_DETAILS", "1000"))
SLICES = int(os.environ.get("BENCH_CATALOG_SLICES", "10"))
CONCURRENCY = [1, 8, 32]

os.environ["VITRINE_CATALOG_DATABASE_URL"] = DATABASE_URL
os.environ["VITRINE_CATALOG_SEARCH_ALIAS"] = ALIAS
os.environ.setdefault("VITRINE_CATALOG_LOG_LEVEL", "WARNING")

from catalog.adapters.search import INDEX_BODY, SearchQuery, search_body  # noqa: E402
from catalog.bootstrap import Container, bootstrap  # noqa: E402
from catalog.entrypoints.seed_data import demo_products  # noqa: E402
from catalog.service_layer import search, services  # noqa: E402


def prepare_database() -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        if not db.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DB}).first():
            db.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    admin.dispose()
    subprocess.run(
        [str(ROOT / ".venv/bin/alembic"), "-c", "services/catalog/alembic.ini", "upgrade", "head"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def fill(container: Container, wanted: int) -> None:
    with container.engine.connect() as db:
        have = db.execute(text("SELECT count(*) FROM products")).scalar_one()
    if have >= wanted:
        return
    base = demo_products()
    print(f"catalog bench: generating {wanted - have} products", file=sys.stderr)
    for start in range(have, wanted, CHUNK):
        batch = []
        for number in range(start, min(start + CHUNK, wanted)):
            model = base[number % len(base)]
            product = type(model)(
                sku=f"BK-{number:06d}",
                name_fr=f"{model.name_fr} {number}",
                name_en=f"{model.name_en} {number}",
                description_fr=model.description_fr,
                description_en=model.description_en,
                brand=model.brand,
                categories=model.categories,
                price_minor=model.price_minor,
                hygiene_class=model.hygiene_class,
                consult_available=model.consult_available,
            )
            product.variants = [
                type(variant)(
                    sku=f"BK-{number:06d}-{index}",
                    product_id=product.id,
                    size=variant.size,
                    colour=variant.colour,
                    on_hand=variant.on_hand,
                )
                for index, variant in enumerate(model.variants[:4])
            ]
            batch.append(product)
        services.import_products(container.uow(), batch, actor="bench")


def product_ids(container: Container) -> list[uuid.UUID]:
    with container.uow() as uow:
        return [product_id for chunk in uow.products.all_ids(5000) for product_id in chunk]


def bench_indexing(container: Container) -> dict[str, float]:
    """The products in SLICES slices; each slice goes through the indexer, then the same documents
    (fetched beforehand, not timed) go to fresh indices as a raw `_bulk` of dicts, the way a
    program would send them, and as pre-encoded NDJSON (Elasticsearch's own ingest, the strictest
    baseline). Slices alternate the paths so a shift in the shared machine's load weighs on all."""
    client, index = container.search, container.search_index
    for name in client.indices.get(index=f"{ALIAS}-*", allow_no_indices=True).body:
        client.indices.delete(index=name)
    index.ensure_alias()
    with container.engine.begin() as db:
        # What filling queued would otherwise be indexed in the first slice and overwritten later.
        db.execute(text("DELETE FROM search_pending"))
    raw_index, encoded_index = f"{ALIAS}-raw-{uuid.uuid4().hex[:6]}", f"{ALIAS}-encoded-{uuid.uuid4().hex[:6]}"
    for name in (raw_index, encoded_index):
        client.indices.create(index=name, **INDEX_BODY)
    ids = product_ids(container)
    step = -(-len(ids) // SLICES)
    seconds = {"indexer": 0.0, "raw": 0.0, "encoded": 0.0}
    written = raw_docs = 0
    for start in range(0, len(ids), step):
        part = ids[start : start + step]
        with container.uow() as uow:
            for offset in range(0, len(part), 5000):
                uow.products.queue_for_index(part[offset : offset + 5000])
            uow.commit()
        started = time.perf_counter()
        while True:
            written += search.index_pending(container.uow, index, batch=CHUNK)
            with container.uow() as uow:
                if uow.products.pending_count() == 0:
                    break
        seconds["indexer"] += time.perf_counter() - started

        bodies: list[tuple[uuid.UUID, str]] = []
        with container.uow() as uow:
            for offset in range(0, len(part), CHUNK):
                bodies += uow.products.search_documents(part[offset : offset + CHUNK])
        docs = [json.loads(body) for _, body in bodies]
        started = time.perf_counter()
        for offset in range(0, len(docs), CHUNK):
            operations: list[dict] = []
            for doc in docs[offset : offset + CHUNK]:
                operations += [{"index": {"_index": raw_index, "_id": doc["id"]}}, doc]
            assert not client.bulk(operations=operations)["errors"]
        seconds["raw"] += time.perf_counter() - started
        raw_docs += len(docs)

        encoded = [
            "".join(f'{{"index":{{"_index":"{encoded_index}","_id":"{pid}"}}}}\n{body}\n' for pid, body in chunk)
            for chunk in (bodies[offset : offset + CHUNK] for offset in range(0, len(bodies), CHUNK))
        ]
        started = time.perf_counter()
        for body in encoded:
            assert not client.bulk(operations=body, filter_path="errors")["errors"]
        seconds["encoded"] += time.perf_counter() - started
    for name in (raw_index, encoded_index):
        client.indices.delete(index=name)
    client.indices.refresh(index=ALIAS)
    return {
        "index_docs": float(written),
        "index_docs_per_s_indexer": written / seconds["indexer"],
        "index_docs_per_s_raw_bulk": raw_docs / seconds["raw"],
        "index_docs_per_s_preencoded_bulk": raw_docs / seconds["encoded"],
        "load_average_1m_after_indexing": os.getloadavg()[0],
    }


def closed_loop(count: int, concurrency: int, call: Callable[[httpx.Client, int], None]) -> tuple[float, list[float]]:
    """`count` calls by `concurrency` clients, each waiting for its answer; returns (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        with httpx.Client(timeout=30) as http:
            while True:
                with lock:
                    number = next(counter, None)
                if number is None:
                    return
                started = time.perf_counter()
                call(http, number)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed * 1000)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def main() -> None:
    prepare_database()
    container = bootstrap()
    fill(container, PRODUCTS)
    figures: dict[str, float] = {}
    print("catalog bench: indexing", file=sys.stderr)
    figures |= bench_indexing(container)
    if os.environ.get("BENCH_CATALOG_INDEXING_ONLY"):
        # A quick look while working on the indexer; nothing is written.
        print(json.dumps({key: round(value, 1) for key, value in figures.items()}, indent=1))
        return

    queries = [
        case["query"] for case in json.loads((ROOT / "services/catalog/tests/relevance/queries.json").read_text())
    ]
    bodies = [search_body(SearchQuery(text=query, per_page=24)) for query in queries]
    server, url = start_uvicorn("catalog.entrypoints.http:create_app", factory=True, health_path="/api/catalog/healthz")
    try:

        def through_service(http: httpx.Client, number: int) -> None:
            response = http.get(
                f"{url}/api/catalog/search", params={"q": queries[number % len(queries)], "per_page": 24}
            )
            response.raise_for_status()

        def direct(http: httpx.Client, number: int) -> None:
            response = http.post(f"{ES_URL}/{ALIAS}/_search", json=bodies[number % len(bodies)])
            response.raise_for_status()

        closed_loop(50, 4, through_service)  # warm both paths
        closed_loop(50, 4, direct)
        for concurrency in CONCURRENCY:
            print(f"catalog bench: search at concurrency {concurrency}", file=sys.stderr)
            # Rounds alternate between the two paths so load from elsewhere hits both alike.
            rounds = 4
            collected: dict[str, tuple[float, list[float]]] = {"direct": (0.0, []), "service": (0.0, [])}
            for _ in range(rounds):
                for name, call in (("direct", direct), ("service", through_service)):
                    seconds, latencies = closed_loop(SEARCHES // rounds, concurrency, call)
                    total, pooled = collected[name]
                    collected[name] = (total + seconds, pooled + latencies)
            for name, (seconds, latencies) in collected.items():
                figures[f"search_p50_ms_{name}_c{concurrency}"] = statistics.median(latencies)
                figures[f"search_p95_ms_{name}_c{concurrency}"] = percentile(latencies, 0.95)
                figures[f"search_per_s_{name}_c{concurrency}"] = len(latencies) / seconds

        ids = [str(product_id) for product_id in product_ids(container)[:: max(1, PRODUCTS // DETAILS)]]

        def detail(http: httpx.Client, number: int) -> None:
            http.get(f"{url}/api/catalog/products/{ids[number % len(ids)]}").raise_for_status()

        print("catalog bench: product detail", file=sys.stderr)
        seconds, latencies = closed_loop(DETAILS, 8, detail)
        figures["detail_p50_ms_c8"] = statistics.median(latencies)
        figures["detail_p95_ms_c8"] = percentile(latencies, 0.95)
        figures["detail_per_s_c8"] = DETAILS / seconds
    finally:
        server.terminate()
        server.wait(timeout=20)
        # 100k documents would otherwise sit in the local node's small heap.
        for name in container.search.indices.get(index=f"{ALIAS}-*", allow_no_indices=True).body:
            container.search.indices.delete(index=name)

    figures["load_average_1m_at_end"] = os.getloadavg()[0]
    ratios = {
        "search_p95_service_over_direct": figures["search_p95_ms_service_c8"] / figures["search_p95_ms_direct_c8"],
        "index_throughput_over_raw_bulk": figures["index_docs_per_s_indexer"] / figures["index_docs_per_s_raw_bulk"],
        "index_throughput_over_preencoded_bulk": figures["index_docs_per_s_indexer"]
        / figures["index_docs_per_s_preencoded_bulk"],
        "search_p95_service_over_direct_c1": figures["search_p95_ms_service_c1"] / figures["search_p95_ms_direct_c1"],
        "search_p95_service_over_direct_c32": figures["search_p95_ms_service_c32"]
        / figures["search_p95_ms_direct_c32"],
    }
    path = write_result(
        "catalog",
        inputs={
            "products": PRODUCTS,
            "chunk": CHUNK,
            "indexing_slices": SLICES,
            "concurrency": CONCURRENCY,
            "searches_per_level": SEARCHES,
            "details": DETAILS,
            "queries": len(queries),
        },
        figures=figures,
        ratios=ratios,
        targets={"search_p95_service_over_direct": {"max": 1.5}, "index_throughput_over_raw_bulk": {"min": 0.8}},
    )
    print(json.dumps({"figures": {k: round(v, 2) for k, v in figures.items()}, "ratios": ratios}, indent=1))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
