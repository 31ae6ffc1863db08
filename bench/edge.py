"""The HTTP path, layer by layer: a bare FastAPI endpoint (the baseline, started here), the same
kind of trivial endpoint in a Vitrine service (its middleware: correlation ids, problems, JSON
logs), and that endpoint through the nginx edge. Closed-loop clients on loopback, bounded."""

import os
import statistics
import threading
import time

import httpx

from bench.results import write_result
from bench.support import start_uvicorn

EDGE = os.environ.get("VITRINE_EDGE_URL", "http://127.0.0.1:8080")
DIRECT = os.environ.get("VITRINE_IDENTITY_URL", "http://127.0.0.1:8105")
REQUESTS = int(os.environ.get("BENCH_EDGE_REQUESTS", "1500"))
CONCURRENCY = int(os.environ.get("BENCH_EDGE_CONCURRENCY", "8"))


def load(url: str) -> tuple[float, list[float]]:
    """REQUESTS GETs from CONCURRENCY closed-loop clients; returns (requests/s, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = REQUESTS // CONCURRENCY

    def client() -> None:
        mine: list[float] = []
        with httpx.Client(timeout=10) as http:
            for _ in range(per_client):
                started = time.perf_counter()
                response = http.get(url)
                mine.append(time.perf_counter() - started)
                response.raise_for_status()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return len(latencies) / (time.perf_counter() - started), latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    server, bare = start_uvicorn("bench.bare_app:app", health_path="/healthz")
    try:
        targets = {
            "bare": f"{bare}/healthz",
            "service": f"{DIRECT}/api/identity/healthz",
            "edge": f"{EDGE}/api/identity/healthz",
        }
        figures: dict[str, float] = {}
        for name, url in targets.items():
            load(url)  # warm-up pass (connections, caches), not counted
            rps, latencies = load(url)
            figures[f"{name}_rps_c{CONCURRENCY}"] = rps
            figures[f"{name}_p50_ms_c{CONCURRENCY}"] = statistics.median(latencies) * 1000
            figures[f"{name}_p95_ms_c{CONCURRENCY}"] = p95(latencies) * 1000
            print(f"edge: {name:8} {rps:8.0f} req/s  p95 {p95(latencies) * 1000:6.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    c = CONCURRENCY
    ratios = {
        "p95_service_over_bare": figures[f"service_p95_ms_c{c}"] / figures[f"bare_p95_ms_c{c}"],
        "p95_edge_over_service": figures[f"edge_p95_ms_c{c}"] / figures[f"service_p95_ms_c{c}"],
        "rps_service_over_bare": figures[f"service_rps_c{c}"] / figures[f"bare_rps_c{c}"],
    }
    targets = {
        "p95_service_over_bare": {"max": 2.0},
        "p95_edge_over_service": {"max": 1.5},
        "rps_service_over_bare": {"min": 0.5},
    }
    path = write_result(
        "edge",
        inputs={"requests": REQUESTS, "concurrency": CONCURRENCY, "endpoint": "healthz"},
        figures=figures,
        ratios=ratios,
        targets=targets,
    )
    for key, value in ratios.items():
        print(f"  {key:28} {value:6.2f}")
    print(f"edge: wrote {path}")


if __name__ == "__main__":
    main()
