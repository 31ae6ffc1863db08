"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright against the running
system at the edge. Screenshots of each main screen land in test-results/screenshots/ (the
`screenshot` fixture)."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

EDGE = os.environ.get("VITRINE_EDGE_URL", "http://127.0.0.1:8080")
CHROMIUM = os.environ.get("VITRINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: bin/vitrine up installs Debian's chromium")
    profile = tempfile.mkdtemp(prefix="vitrine-chromium-")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(base_url=EDGE, locale="fr-CA", timezone_id="America/Montreal")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        base_url=EDGE, locale="fr-CA", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves a full-page PNG as a test artifact."""

    def save(page: Page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


# --- Data set up through the public APIs (the same ones the app uses), unique per test run ------

import uuid  # noqa: E402

import httpx  # noqa: E402

DEMO_PASSWORD = "vitrine-demo-2026"


@pytest.fixture(scope="session")
def edge_api() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=EDGE, timeout=20) as client:
        yield client


@pytest.fixture(scope="session")
def staff_token(edge_api: httpx.Client):
    """`staff_token(email)` -> a bearer token of a demo staff account."""
    cache: dict[str, str] = {}

    def token(email: str) -> str:
        if email not in cache:
            response = edge_api.post("/api/identity/tokens", json={"email": email, "password": DEMO_PASSWORD})
            response.raise_for_status()
            cache[email] = response.json()["access_token"]
        return cache[email]

    return token


@pytest.fixture
def new_product(edge_api: httpx.Client, staff_token):
    """`new_product(**overrides)` creates a product of its own (unique SKU) through the catalog's
    staff API, so tests never use up the demo stock; returns the product as the API answers it."""

    def create(**overrides) -> dict:
        code = "WEB-" + uuid.uuid4().hex[:10].upper()
        body = {
            "sku": code,
            "name": {"fr": f"Écharpe d'essai {code[-4:]}", "en": f"Test scarf {code[-4:]}"},
            "brand": "Vitrine",
            "categories": ["essais"],
            "price_minor": 1299,
            "variants": [
                {"sku": f"{code}-M", "size": "M", "colour": "blue", "on_hand": 40},
                {"sku": f"{code}-L", "size": "L", "colour": "blue", "on_hand": 0},
            ],
        }
        body.update(overrides)
        admin = {"Authorization": f"Bearer {staff_token('admin@vitrine.test')}"}
        response = edge_api.post("/api/catalog/staff/products", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return create


@pytest.fixture
def paid_order(edge_api: httpx.Client, new_product):
    """`paid_order()` buys one unit of a fresh product through checkout's API (card
    pm_card_visa) and waits until returns knows the order; returns (product, order, email)."""

    def buy() -> tuple[dict, dict, str]:
        product = new_product()
        sku = product["variants"][0]["sku"]
        cart = edge_api.post("/api/checkout/carts", json={"lines": [{"sku": sku, "quantity": 1}]}).json()
        email = f"web-{uuid.uuid4().hex[:8]}@example.com"
        address = {
            "name": "Camille Client",
            "line1": "123, rue Saint-Denis",
            "city": "Montréal",
            "postal_code": "H2X 1Y4",
        }
        placed = edge_api.post(
            "/api/checkout/orders",
            headers={"X-Cart-Token": cart["cart_token"]},
            json={"cart_id": cart["cart_id"], "email": email, "province": "QC", "shipping_address": address},
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()
        paid = edge_api.post(
            f"/api/checkout/orders/{order['order_id']}/payments",
            headers={"X-Order-Token": order["order_token"]},
            json={"payment_method": "pm_card_visa"},
        )
        assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.text
        lookup = {"order_number": order["order_number"], "email": email}
        wait_until(
            lambda: edge_api.post("/api/returns/orders/lookup", json=lookup).status_code == 200,
            what="returns to learn the paid order",
        )
        return product, order, email

    return buy


def wait_until(condition, *, timeout: float = 20.0, what: str = "condition") -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
