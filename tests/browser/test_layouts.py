"""Every main screen fits a phone (no sideways scrolling) and is usable with the keyboard alone."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def test_main_screens_fit_a_phone(phone_page: Page, new_product, screenshot) -> None:
    product = new_product(consult_available=True)
    screens = [
        ("/", "phone-home", lambda: expect(phone_page.locator(".product-card").first).to_be_visible()),
        (
            f"/produits/{product['id']}",
            "phone-product",
            lambda: expect(phone_page.locator("#variant-stock")).to_be_visible(),
        ),
        ("/panier", "phone-cart", lambda: expect(phone_page.get_by_role("heading", level=1)).to_be_visible()),
        ("/conseiller", "phone-consult", lambda: expect(phone_page.locator(".slots legend")).to_be_visible()),
        ("/retours", "phone-returns", lambda: expect(phone_page.get_by_label("Numéro de commande")).to_be_visible()),
    ]
    for path, name, ready in screens:
        phone_page.goto(path)
        ready()
        fits(phone_page)
        screenshot(phone_page, name)
    # The cart and checkout with a line in it.
    phone_page.goto(f"/produits/{product['id']}")
    phone_page.get_by_role("button", name="Ajouter au panier").click()
    expect(phone_page.locator(".cart-message")).to_contain_text("Ajouté")
    phone_page.goto("/panier")
    expect(phone_page.locator("table.cart-lines tbody tr")).to_have_count(1)
    fits(phone_page)
    screenshot(phone_page, "phone-cart-line")
    phone_page.goto("/caisse")
    expect(phone_page.get_by_label("Numéro de carte")).to_be_visible()
    fits(phone_page)
    screenshot(phone_page, "phone-checkout")


def test_ops_board_fits_a_phone(phone_page: Page, screenshot) -> None:
    phone_page.goto("/staff?next=/ops")
    phone_page.get_by_label("Courriel").fill("ops@vitrine.test")
    phone_page.get_by_label("Mot de passe").fill("vitrine-demo-2026")
    phone_page.get_by_role("button", name="Se connecter").click()
    expect(phone_page.locator('[data-stage="quarantined"]')).to_be_visible()
    fits(phone_page)
    screenshot(phone_page, "phone-ops")


def test_find_and_add_a_product_with_the_keyboard_only(page: Page, new_product) -> None:
    product = new_product()
    page.goto("/")
    expect(page.locator(".product-card").first).to_be_visible()
    # The skip link comes first, then the search box.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("combobox", name="Rechercher un produit")).to_be_focused()
    page.goto(f"/produits/{product['id']}")
    expect(page.locator("#variant-stock")).to_have_text("En stock (40)")
    page.get_by_label("Quantité").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Ajouter au panier")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".cart-message")).to_contain_text("Ajouté au panier")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Voir le panier")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/panier$"))
    expect(page.locator("table.cart-lines tbody tr")).to_have_count(1)


def test_english_prices_and_labels_in_the_cart(page: Page, new_product) -> None:
    product = new_product()
    page.goto(f"/produits/{product['id']}")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator(".cart-message")).to_contain_text("Ajouté")
    page.goto("/panier")
    expect(page.locator('[data-total="subtotal"]')).to_have_text("12,99\u00a0$")
    page.get_by_role("button", name="Passer à l'anglais").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    expect(page.locator('[data-total="subtotal"]')).to_have_text("$12.99")
    expect(page.get_by_role("link", name="Check out")).to_be_visible()
