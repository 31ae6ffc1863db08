"""Cart and checkout in a real browser against the running checkout, catalog and localstripe:
add, change, remove, taxes per province, a declined card with its reason, then a good card and the
order shown paid. The card is typed into the Stripe.js stand-in that localstripe serves."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def add_to_cart(page: Page, product: dict, quantity: int = 1) -> None:
    page.goto(f"/produits/{product['id']}")
    page.get_by_label("Quantité").fill(str(quantity))
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator(".cart-message")).to_contain_text("Ajouté au panier")


def type_card(page: Page, number: str) -> None:
    page.get_by_label("Numéro de carte").fill(number)
    page.get_by_label("Mois d'expiration (MM)").fill("12")
    page.get_by_label("Année d'expiration (AA)").fill("30")
    page.get_by_label("Code de sécurité (CVC)").fill("123")
    page.get_by_label("Code postal de la carte").fill("H2X1Y4")


def fill_address(page: Page, email: str, province: str = "QC") -> None:
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Province", exact=True).select_option(province)
    page.get_by_label("Nom complet").fill("Camille Client")
    page.get_by_label("Adresse", exact=True).fill("123, rue Saint-Denis")
    page.get_by_label("Ville").fill("Montréal")
    page.get_by_label("Code postal", exact=True).fill("H2X 1Y4")


def test_cart_keeps_its_lines_changes_quantities_and_shows_taxes_per_province(
    page: Page, new_product, screenshot
) -> None:
    first, second = new_product(), new_product(price_minor=5000)
    add_to_cart(page, first, 2)
    add_to_cart(page, second)
    expect(page.locator("#cart-link .cart-count")).to_have_text("3")
    page.get_by_role("link", name=re.compile("^Panier")).click()
    rows = page.locator("table.cart-lines tbody tr")
    expect(rows).to_have_count(2)
    # Quebec: GST 5 % and QST 9.975 % on goods + shipping (25.98 + 50.00 + 9.95 = 85.93).
    page.get_by_label("Province (pour les taxes)").select_option("QC")
    expect(page.locator('[data-tax="GST"]')).to_contain_text("TPS")
    expect(page.locator('[data-tax="GST"] td')).to_have_text("4,30\u00a0$")
    expect(page.locator('[data-tax="QST"] td')).to_have_text("8,57\u00a0$")
    screenshot(page, "cart-qc")
    # Ontario: one HST line at 13 %.
    page.get_by_label("Province (pour les taxes)").select_option("ON")
    expect(page.locator('[data-tax="HST"] td')).to_have_text("11,17\u00a0$")
    expect(page.locator('[data-tax="QST"]')).to_have_count(0)
    # Change a quantity, remove a line; the cart survives a reload (token in localStorage).
    page.get_by_label(f"Quantité de {first['name']['fr']}").fill("1")
    page.get_by_label(f"Quantité de {first['name']['fr']}").press("Tab")
    expect(page.locator('[data-total="subtotal"]')).to_have_text("62,99\u00a0$")
    page.get_by_role("button", name=f"Retirer {second['name']['fr']}").click()
    expect(rows).to_have_count(1)
    page.reload()
    expect(page.locator("table.cart-lines tbody tr")).to_have_count(1)
    expect(page.locator('[data-total="subtotal"]')).to_have_text("12,99\u00a0$")


def test_a_declined_card_shows_the_reason_then_another_card_pays_the_order(page: Page, new_product, screenshot) -> None:
    product = new_product()
    add_to_cart(page, product)
    page.goto("/panier")
    page.get_by_role("link", name="Passer à la caisse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement")
    email = f"web-{uuid.uuid4().hex[:8]}@example.com"
    # A wrong postal code comes back as a 422 shown next to its field.
    fill_address(page, email)
    page.get_by_label("Code postal", exact=True).fill("Z")
    type_card(page, "4242424242424242")
    page.get_by_role("button", name="Payer").click()
    expect(page.get_by_text("Entrez un code postal valide.")).to_be_visible()
    page.get_by_label("Code postal", exact=True).fill("H2X 1Y4")
    # The declining test card: the reason shows and the order waits for another card.
    type_card(page, "4000000000000341")
    page.get_by_role("button", name="Payer").click()
    declined = page.locator('[data-declined="true"]')
    expect(declined).to_contain_text("Paiement refusé.")
    expect(declined).to_contain_text("declined")
    screenshot(page, "checkout-declined")
    type_card(page, "4242424242424242")
    page.get_by_role("button", name="Payer").click()
    expect(page).to_have_url(re.compile(r"/commandes/"))
    expect(page.locator("#order-status strong")).to_have_text("payée", timeout=15000)
    expect(page.get_by_text(f"Une confirmation est envoyée à {email}")).to_be_visible()
    screenshot(page, "order-paid")
    # The cart is emptied once the order is placed.
    expect(page.locator("#cart-link .cart-count")).to_have_text("0")
