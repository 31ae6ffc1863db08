"""Returns in a real browser: the shopper starts a return from an order and prints the label; ops
receive, inspect, quarantine, record a sanitization lot and restock it on the live board; the
product page then shows the sanitized-return badge and its certificate verifies.

Time moves through the returns service's development clock (the board's card, or its API), never
by editing rows; every test starts and ends at real time."""

import os
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EDGE = os.environ.get("VITRINE_EDGE_URL", "http://127.0.0.1:8080")
DEV_CLOCK = "/api/returns/ops/dev-clock"


@pytest.fixture(autouse=True)
def move_time(edge_api, staff_token) -> Iterator[Callable[[int], None]]:
    """`move_time(seconds)` moves the returns service's clock forward; it is back at real time
    before and after each test, whatever the test did."""
    ops = {"Authorization": f"Bearer {staff_token('ops@vitrine.test')}"}

    def reset() -> None:
        response = edge_api.post(f"{DEV_CLOCK}/reset", headers=ops)
        assert response.status_code == 200, response.text

    def move(seconds: int) -> None:
        response = edge_api.post(f"{DEV_CLOCK}/advance", json={"seconds": seconds}, headers=ops)
        assert response.status_code == 200, response.text

    reset()
    try:
        yield move
    finally:
        reset()


def sign_in(page: Page, email: str, next_path: str) -> None:
    page.goto(f"/staff?next={next_path}")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill("vitrine-demo-2026")
    page.get_by_role("button", name="Se connecter").click()


def test_a_return_goes_from_the_shopper_through_ops_to_a_certified_restock(
    page: Page, browser, paid_order, screenshot
) -> None:
    product, order, email = paid_order()
    sku = product["variants"][0]["sku"]

    # The shopper: order number + email, one line, a reason, then the label.
    page.goto("/retours")
    page.get_by_label("Numéro de commande").fill(order["order_number"])
    page.get_by_label("Courriel").fill(email)
    page.get_by_role("button", name="Retrouver").click()
    page.get_by_label(f"Quantité à retourner de {sku}").select_option("1")
    page.get_by_label(f"Motif du retour de {sku}").select_option("too_small")
    screenshot(page, "return-start")
    page.get_by_role("button", name="Demander le retour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Retour RMA-|^Retour "))
    rma = page.get_by_role("heading", level=1).inner_text().removeprefix("Retour ").strip()
    expect(page.locator("#return-status")).to_contain_text("demandé")
    page.get_by_role("button", name="Imprimer l'étiquette de retour").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'étiquette (PDF)").click()
    with open(download.value.path(), "rb") as label:
        assert label.read(5) == b"%PDF-"
    screenshot(page, "return-label")
    return_url = page.url

    # Ops, in another browser context: the board is live while the parcel moves.
    ops_context = browser.new_context(base_url=EDGE, locale="fr-CA", timezone_id="America/Montreal")
    ops = ops_context.new_page()
    try:
        sign_in(ops, "ops@vitrine.test", "/ops")
        expect(ops.get_by_role("heading", level=1)).to_have_text("Tableau des retours")
        expect(ops.locator("#live-status")).to_have_text("● En direct")
        quarantined_before = int(ops.locator('[data-stage="quarantined"] .stage-count').inner_text())
        ops.get_by_label("Numéro de retour (RMA)").fill(rma)
        ops.get_by_role("button", name="Recevoir / ouvrir").click()
        row = ops.locator("table.work-items tbody tr").first
        expect(row).to_have_attribute("data-state", "received")
        ops.get_by_label(f"Catégorie de {sku}").select_option("A")
        ops.get_by_label(f"Matière de {sku}").select_option("fabric")
        ops.get_by_role("button", name="Inspecter").click()
        expect(row).to_have_attribute("data-state", "inspected")
        ops.get_by_role("button", name="Mettre en quarantaine").click()
        expect(row).to_have_attribute("data-state", "quarantined")
        expect(row.locator(".timer")).to_contain_text("libéré dans 23 h")
        # The live board (server-sent events) counts it without a reload.
        expect(ops.locator('[data-stage="quarantined"] .stage-count')).not_to_have_text(str(quarantined_before))
        category_chart = ops.locator("section.card").filter(
            has=ops.get_by_role("heading", name="Taux de retour par catégorie")
        )
        expect(category_chart.locator("svg.chart")).to_be_visible()
        screenshot(ops, "ops-board-quarantine")
        ops.get_by_label(f"Ajouter {sku} au lot").check()
        ops.locator("#lot-method").select_option("steam")
        ops.get_by_role("button", name="Enregistrer un lot d'assainissement").click()
        expect(row).to_have_attribute("data-state", "sanitized")
        # Restock is refused while the quarantine runs, with a message.
        ops.get_by_role("button", name="Remettre en vente").click()
        expect(ops.get_by_role("alert")).to_contain_text(sku)
        # A day later on the development clock (the board's card): the quarantine has ended.
        clock = ops.locator("#dev-clock")
        expect(clock).to_contain_text("Heure réelle")
        clock.get_by_role("button", name="+24 h").click()
        expect(ops.locator("#dev-clock-offset")).to_contain_text("En avance de 24 h")
        expect(row.locator(".timer")).to_have_text("libéré")
        ops.get_by_role("button", name="Remettre en vente").click()
        expect(row).to_have_attribute("data-state", "restocked")
        certificate = row.get_by_role("link", name=re.compile(r"^VC-"))
        certificate_id = certificate.inner_text()
        screenshot(ops, "ops-restocked")
        # The throughput chart comes from the service's series: three series, one column each per hour.
        flow = ops.locator("section.throughput")
        expect(flow.get_by_role("heading")).to_have_text("Débit : articles reçus, remis en vente et sortis")
        expect(flow.locator("svg.series-chart")).to_be_visible()
        expect(flow.locator("svg.series-chart .legend")).to_have_text(["reçus", "remis en vente", "sortis"])
        expect(flow.locator("svg.series-chart > rect:not([width='12'])")).to_have_count(49 * 3)
        certificate.click()
        expect(ops.locator("#certificate-verification")).to_contain_text("Certificat authentique")
    finally:
        ops_context.close()

    # The shopper follows the return, checks the certificate, and the product page shows the badge.
    page.goto(return_url)
    expect(page.locator("#return-status")).to_contain_text("terminé")
    page.goto(f"/certificats/{certificate_id}")
    expect(page.locator("#certificate-verification")).to_contain_text("Certificat authentique")
    expect(page.locator(".certificate-table")).to_contain_text(sku)
    screenshot(page, "certificate")
    for _ in range(20):
        page.goto(f"/produits/{product['id']}")
        page.wait_for_selector("#variant-stock")
        if page.locator(".badge.sanitized").count():
            break
        page.wait_for_timeout(500)
    badge = page.locator(f'.badge.sanitized[data-certificate="{certificate_id}"]')
    expect(badge).to_contain_text("Article retourné, assaini")
    screenshot(page, "product-sanitized-badge")
    badge.get_by_role("link", name="Voir le certificat").click()
    expect(page.locator(".certificate-id")).to_have_text(certificate_id)


def test_an_unknown_certificate_says_so(page: Page) -> None:
    page.goto("/certificats")
    page.get_by_label("Numéro du certificat").fill("VC-000000000000000000000000")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("alert")).to_contain_text("Aucun certificat")


def test_ops_board_needs_a_sign_in(page: Page) -> None:
    page.goto("/ops")
    expect(page.get_by_role("alert")).to_contain_text("Connectez-vous")


def test_ops_record_a_failed_lot_then_dispose_of_the_item(page: Page, edge_api, paid_order, screenshot) -> None:
    product, order, email = paid_order()
    sku = product["variants"][0]["sku"]
    lookup = edge_api.post("/api/returns/orders/lookup", json={"order_number": order["order_number"], "email": email})
    created = edge_api.post(
        "/api/returns/returns",
        json={
            "order_number": order["order_number"],
            "email": email,
            "lines": [{"line_no": lookup.json()["lines"][0]["line_no"], "quantity": 1, "reason_code": "defective"}],
            "preference": "refund",
        },
    )
    assert created.status_code == 201, created.text
    sign_in(page, "ops@vitrine.test", "/ops")
    page.get_by_label("Numéro de retour (RMA)").fill(created.json()["rma_number"])
    page.get_by_role("button", name="Recevoir / ouvrir").click()
    row = page.locator("table.work-items tbody tr").first
    expect(row).to_have_attribute("data-state", "received")
    page.get_by_label(f"Catégorie de {sku}").select_option("C")
    page.get_by_label(f"Matière de {sku}").select_option("plastic")
    page.get_by_role("button", name="Inspecter").click()
    page.get_by_role("button", name="Mettre en quarantaine").click()
    expect(row.locator(".timer")).to_contain_text("libéré dans 71 h")
    # A failed lot sends the item back to quarantine for a fresh period.
    page.get_by_label(f"Ajouter {sku} au lot").check()
    page.locator("#lot-method").select_option("ozone")
    page.locator("#lot-result").select_option("false")
    page.get_by_role("button", name="Enregistrer un lot d'assainissement").click()
    expect(page.get_by_role("status").filter(has_text="Lot enregistré")).to_be_visible()
    expect(row).to_have_attribute("data-state", "quarantined")
    # Grade C does not go back on sale: ops give it away.
    page.get_by_label(f"Sort de {sku}").select_option("donate")
    page.get_by_role("button", name="Appliquer").click()
    expect(row).to_have_attribute("data-state", "donated")
    expect(row).to_contain_text("donné")
    screenshot(page, "ops-disposition")


def test_an_overdue_item_is_highlighted_and_no_longer_once_it_moves(
    page: Page, edge_api, paid_order, staff_token, move_time, screenshot
) -> None:
    product, order, email = paid_order()
    sku = product["variants"][0]["sku"]
    lookup = edge_api.post("/api/returns/orders/lookup", json={"order_number": order["order_number"], "email": email})
    body = {
        "order_number": order["order_number"],
        "email": email,
        "lines": [{"line_no": lookup.json()["lines"][0]["line_no"], "quantity": 1, "reason_code": "too_large"}],
        "preference": "refund",
    }
    rma = edge_api.post("/api/returns/returns", json=body).json()["rma_number"]
    ops = {"Authorization": f"Bearer {staff_token('ops@vitrine.test')}"}
    assert edge_api.post("/api/returns/ops/receipts", json={"rma_number": rma}, headers=ops).status_code == 200
    item_id = edge_api.get(f"/api/returns/ops/returns/{rma}", headers=ops).json()[0]["item_id"]
    # 25 hours later on the development clock: past the 24 h service level of the "received" stage.
    move_time(25 * 3600)
    sign_in(page, "ops@vitrine.test", "/ops")
    expect(page.locator('[data-stage="received"]')).to_have_class(re.compile(r"overdue"))
    expect(page.locator(".overdue-card h2")).not_to_have_text("En retard (0)")
    screenshot(page, "ops-overdue")
    # The board lists the most overdue first (50 at most): on a shared database full of older test
    # items this one may be past the list, so it is checked where ops open it, in the work area.
    page.get_by_label("Numéro de retour (RMA)").fill(rma)
    page.get_by_role("button", name="Recevoir / ouvrir").click()
    row = page.locator(f'table.work-items tbody tr[data-item="{item_id}"]')
    expect(row).to_have_class(re.compile(r"overdue"))
    expect(row).to_contain_text("⚠ en retard")
    page.get_by_label(f"Catégorie de {sku}").select_option("B")
    page.get_by_label(f"Matière de {sku}").select_option("fabric")
    page.get_by_role("button", name="Inspecter").click()
    # Inspected just now (on the moved clock): within the next stage's service level.
    expect(row).to_have_attribute("data-state", "inspected")
    expect(row).not_to_have_class(re.compile(r"overdue"))
    # Settled, so it is no overdue leftover for later runs.
    page.get_by_label(f"Sort de {sku}").select_option("destroy")
    page.get_by_role("button", name="Appliquer").click()
    expect(row).to_have_attribute("data-state", "destroyed")
