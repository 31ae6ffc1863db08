"""Checkout: order placement and payment, against localstripe's own PaymentIntent latency.

Baseline (same run, same localstripe): the Stripe calls a card payment needs at the least, sent
directly with the official library: create a PaymentIntent, attach the card, confirm it.
Both against a localstripe of the benchmark's own, empty (see `own_checkout`).
Ours: the shopper's two calls through a checkout API started for the run: `POST /orders` (prices re-read
from the catalog, stock held by a catalog reservation, the PaymentIntent created, the order and its
event committed) and `POST /orders/{id}/payments` (card attached and the intent confirmed, the
order marked paid with its event). Carts are created beforehand and not timed. Figures at
concurrency 1 (latency) and 8 (throughput); ratio = our p50 per paid order / baseline p50.

Floor (same run): `bench.bare_payments_app`, a bare FastAPI app making the same Stripe calls in
the same two requests and nothing else. `floor_over_localstripe` is what any Python HTTP service
shaped like checkout's API adds before it holds stock or stores an order; `checkout_over_floor`
is what checkout's own work (stock hold in the catalog, the order, its events) adds to that.
"""

import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import stripe

from bench.results import write_result
from bench.support import ROOT, free_port, percentile, start_uvicorn, wait_for

EDGE = os.environ.get("BENCH_EDGE_URL", "http://127.0.0.1:8080")
ORDERS = int(os.environ.get("BENCH_CHECKOUT_ORDERS", "60"))
CONCURRENCY = int(os.environ.get("BENCH_CHECKOUT_CONCURRENCY", "8"))
ADDRESS = {"name": "Bench", "line1": "1 rue du Banc", "city": "Québec", "postal_code": "G1R 4P5"}


def new_variant(http: httpx.Client, on_hand: int) -> str:
    token = http.post(
        f"{EDGE}/api/identity/tokens", json={"email": "ops@vitrine.test", "password": "vitrine-demo-2026"}
    )
    base = f"BENCH{uuid.uuid4().hex[:8].upper()}"
    created = http.post(
        f"{EDGE}/api/catalog/staff/products",
        json={
            "sku": base,
            "name": {"fr": "Banc d'essai", "en": "Bench item"},
            "brand": "Vitrine",
            "categories": ["bench"],
            "price_minor": 2000,
            "variants": [{"sku": f"{base}-U", "on_hand": on_hand}],
        },
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    created.raise_for_status()
    return f"{base}-U"


def baseline_once(client: stripe.StripeClient) -> float:
    started = time.perf_counter()
    order_id = uuid.uuid4()
    # The parameters checkout sends: amount, currency, card only, the order's metadata, an
    # idempotency key; then the card attached and the intent confirmed, as checkout does.
    intent = client.v1.payment_intents.create(
        params={
            "amount": 2994,
            "currency": "cad",
            "payment_method_types": ["card"],
            "metadata": {"order_id": str(order_id), "order_number": "VT-BENCH000"},
        },
        options={"idempotency_key": f"checkout-order-{order_id}-intent-1"},
    )
    client.v1.payment_intents.update(intent.id, params={"payment_method": "pm_card_visa"})
    confirmed = client.v1.payment_intents.confirm(intent.id)
    assert confirmed.status == "succeeded"
    return time.perf_counter() - started


def floor_once(http: httpx.Client, floor_url: str) -> float:
    started = time.perf_counter()
    intent = http.post(f"{floor_url}/intents", json={"order_id": str(uuid.uuid4())})
    intent.raise_for_status()
    paid = http.post(f"{floor_url}/intents/{intent.json()['id']}/confirm", json={"payment_method": "pm_card_visa"})
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded", paid.text
    return time.perf_counter() - started


@contextmanager
def own_checkout() -> Iterator[tuple[str, str, str]]:
    """A localstripe of the benchmark's own, empty, and a checkout API pointed at it: the shared
    localstripe slows as the tests fill its in-memory store (100+ ms a call seen), which would
    flatter the ratio. Catalog, database and broker are the running ones. Yields the checkout
    URL, the localstripe URL and the floor app's URL (on the same localstripe)."""
    port = free_port()
    stripe_server = subprocess.Popen(
        [sys.executable, "ops/localstripe_server.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stripe_url = f"http://127.0.0.1:{port}"
    checkout = floor = None
    try:
        wait_for(f"{stripe_url}/v1/balance", headers={"Authorization": "Bearer sk_test_bench"})
        os.environ.update(VITRINE_ENVIRONMENT="development", VITRINE_CHECKOUT_STRIPE_API_BASE=stripe_url)
        os.environ.setdefault("VITRINE_CHECKOUT_LOG_LEVEL", "WARNING")
        checkout, url = start_uvicorn(
            "checkout.entrypoints.http:create_app", factory=True, health_path="/api/checkout/healthz"
        )
        os.environ["BENCH_STRIPE_API_BASE"] = stripe_url
        floor, floor_url = start_uvicorn("bench.bare_payments_app:app", health_path="/healthz")
        yield url, stripe_url, floor_url
    finally:
        for process in (checkout, floor, stripe_server):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


def new_cart(http: httpx.Client, sku: str) -> tuple[str, str]:
    cart = http.post("/api/checkout/carts", json={"lines": [{"sku": sku, "quantity": 1}]})
    cart.raise_for_status()
    return cart.json()["cart_id"], cart.json()["cart_token"]


def ours_once(http: httpx.Client, cart: tuple[str, str]) -> tuple[float, float]:
    cart_id, token = cart
    started = time.perf_counter()
    order = http.post(
        "/api/checkout/orders",
        json={"cart_id": cart_id, "email": "bench@example.ca", "province": "QC", "shipping_address": ADDRESS},
        headers={"X-Cart-Token": token},
    )
    placed = time.perf_counter()
    assert order.status_code == 201, order.text
    paid = http.post(
        f"/api/checkout/orders/{order.json()['order_id']}/payments",
        json={"payment_method": "pm_card_visa"},
        headers={"X-Order-Token": order.json()["order_token"]},
    )
    done = time.perf_counter()
    assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.text
    return placed - started, done - started


def timed_pool(work: Callable[[int], object], count: int, concurrency: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(work, range(count)))
    return time.perf_counter() - started


def main() -> None:
    with own_checkout() as (checkout_url, stripe_url, floor_url):
        client = stripe.StripeClient("sk_test_bench", base_addresses={"api": stripe_url}, max_network_retries=0)
        figures = measure(client, checkout_url, floor_url)
    report(figures)


def measure(client: stripe.StripeClient, checkout_url: str, floor_url: str) -> dict[str, float]:
    # Relative paths go to the benchmark's checkout; the catalog set-up names the edge in full.
    with httpx.Client(base_url=checkout_url, timeout=30) as http:
        sku = new_variant(http, on_hand=ORDERS * 3 + 10)
        for _ in range(5):  # warm-up: connections, token caches, first-call imports
            baseline_once(client)
            floor_once(http, floor_url)
            ours_once(http, new_cart(http, sku))

        # Interleaved, so all sides see the same noise of the shared machine, in a shuffled order:
        # the events of each order keep the workers busy for a while after it, and a fixed order
        # would hand that load to whichever side always comes next (ours included, by chance).
        order = random.Random(20261208)
        baseline_s: list[float] = []
        floor_s: list[float] = []
        place_s: list[float] = []
        total_s: list[float] = []

        def ours(cart: tuple[str, str]) -> None:
            place, total = ours_once(http, cart)
            place_s.append(place)
            total_s.append(total)

        carts = [new_cart(http, sku) for _ in range(ORDERS)]
        for cart in carts:
            sides = [
                lambda: baseline_s.append(baseline_once(client)),
                lambda: floor_s.append(floor_once(http, floor_url)),
                lambda cart=cart: ours(cart),
            ]
            order.shuffle(sides)
            for side in sides:
                side()

        carts = [new_cart(http, sku) for _ in range(ORDERS)]
        ours_wall = timed_pool(lambda i: ours_once(http, carts[i]), ORDERS, CONCURRENCY)
        base_wall = timed_pool(lambda _: baseline_once(client), ORDERS, CONCURRENCY)

    ms = 1000.0
    figures = {
        "baseline_create_confirm_p50_ms": statistics.median(baseline_s) * ms,
        "baseline_create_confirm_p95_ms": percentile(baseline_s, 0.95) * ms,
        "floor_place_and_pay_p50_ms": statistics.median(floor_s) * ms,
        "floor_place_and_pay_p95_ms": percentile(floor_s, 0.95) * ms,
        "place_order_p50_ms": statistics.median(place_s) * ms,
        "place_order_p95_ms": percentile(place_s, 0.95) * ms,
        "place_and_pay_p50_ms": statistics.median(total_s) * ms,
        "place_and_pay_p95_ms": percentile(total_s, 0.95) * ms,
        "paid_orders_per_s_c8": ORDERS / ours_wall,
        "baseline_payments_per_s_c8": ORDERS / base_wall,
    }
    return figures


def report(figures: dict[str, float]) -> None:
    ratios = {
        "checkout_latency_over_localstripe": figures["place_and_pay_p50_ms"]
        / figures["baseline_create_confirm_p50_ms"],
        "checkout_p95_over_localstripe_p95": figures["place_and_pay_p95_ms"]
        / figures["baseline_create_confirm_p95_ms"],
        "floor_over_localstripe": figures["floor_place_and_pay_p50_ms"] / figures["baseline_create_confirm_p50_ms"],
        "checkout_over_floor": figures["place_and_pay_p50_ms"] / figures["floor_place_and_pay_p50_ms"],
        "throughput_localstripe_over_checkout_c8": figures["baseline_payments_per_s_c8"]
        / figures["paid_orders_per_s_c8"],
    }
    path = write_result(
        "checkout",
        inputs={"orders": ORDERS, "concurrency": [1, CONCURRENCY], "lines_per_order": 1, "localstripe": "own, empty"},
        figures=figures,
        ratios=ratios,
        targets={"checkout_latency_over_localstripe": {"max": 1.5}},
    )
    for key, value in {**figures, **ratios}.items():
        print(f"{key:45s} {value:10.2f}")
    print(f"written {path}")


if __name__ == "__main__":
    main()
