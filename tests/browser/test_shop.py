"""The shopper's catalog in a real browser: home, search in French without accents, facets,
autocomplete, product page with variants and stock, prices per locale, a service that is down."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_home_lists_categories_and_featured_products(page: Page, screenshot) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue chez Vitrine")
    expect(page.get_by_role("link", name=re.compile(r"^Chaussures"))).to_be_visible()
    expect(page.locator(".product-card").first).to_be_visible()
    screenshot(page, "home")
    page.get_by_role("link", name=re.compile(r"^Robes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robes")
    expect(page.locator(".product-card").first).to_be_visible()
    screenshot(page, "category-robes")


def test_a_french_query_without_accents_finds_accented_products_then_a_facet_narrows_them(
    page: Page, screenshot
) -> None:
    page.goto("/")
    search = page.get_by_role("combobox", name="Rechercher un produit")
    search.fill("ete")
    # Autocomplete offers accented names for the accent-free text.
    expect(page.get_by_role("option").first).to_contain_text("été")
    screenshot(page, "search-autocomplete")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultats pour « ete »")
    cards = page.locator(".product-card h3")
    expect(cards.first).to_be_visible()
    assert any("été" in name for name in cards.all_inner_texts())
    total_before = int(page.locator(".result-count").inner_text().split()[0])
    page.locator('[data-facet="category"]').get_by_label(re.compile(r"^\s*Robes")).check()
    expect(page).to_have_url(re.compile(r"category=robes"))
    expect(page.locator('[data-facet="category"]').get_by_label(re.compile(r"^\s*Robes"))).to_be_checked()
    names = page.locator(".product-card h3").all_inner_texts()
    assert names and all(name.startswith("Robe") for name in names), names
    assert int(page.locator(".result-count").inner_text().split()[0]) < total_before
    screenshot(page, "search-facet")


def test_autocomplete_is_usable_with_the_keyboard(page: Page) -> None:
    page.goto("/")
    search = page.get_by_role("combobox", name="Rechercher un produit")
    search.fill("chauss")
    # Words completing the typed one come first (they search), then product names (they open).
    words = page.locator('[role="option"][data-kind="word"]')
    products = page.locator('[role="option"][data-kind="product"]')
    expect(products.first).to_be_visible()
    search.press("ArrowDown")
    first = page.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    if words.count():
        query = words.first.get_attribute("data-query")
        assert query.startswith("chauss"), query
        search.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Résultats pour « {query} »")
        expect(page.locator(".product-card").first).to_be_visible()
    # A product name opens its page.
    search.fill("chauss")
    expect(products.first).to_be_visible()
    chosen = products.first.inner_text()
    for _ in range(words.count() + 1):
        search.press("ArrowDown")
    expect(products.first).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/produits/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    search.fill("chauss")
    expect(products.first).to_be_visible()
    search.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_product_page_shows_variants_stock_and_price_per_locale(page: Page, new_product, screenshot) -> None:
    product = new_product(consult_available=True)
    page.goto(f"/produits/{product['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(product["name"]["fr"])
    expect(page.locator("#product-price")).to_have_text("12,99\u00a0$")
    expect(page.locator("#variant-stock")).to_have_text("En stock (40)")
    page.get_by_label(re.compile(r"^\s*L · bleu")).check()
    expect(page.locator("#variant-stock")).to_have_text("Épuisé")
    expect(page.get_by_role("button", name="Ajouter au panier")).to_be_disabled()
    expect(page.get_by_role("link", name="Réserver une démo avec un conseiller")).to_be_visible()
    screenshot(page, "product-fr")
    page.get_by_role("button", name="Passer à l'anglais").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product["name"]["en"])
    expect(page.locator("#product-price")).to_have_text("$12.99")
    expect(page.get_by_role("link", name="Book a demo with an advisor")).to_be_visible()
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()
    screenshot(page, "product-en")


def test_a_service_that_is_down_gives_a_message_not_a_blank_page(page: Page, new_product, screenshot) -> None:
    unavailable = {
        "status": 503,
        "content_type": "application/problem+json",
        "body": '{"type":"about:blank","title":"Service Unavailable","status":503}',
    }
    # Search down: the home page keeps its departments and says what is missing.
    page.route("**/api/catalog/search**", lambda route: route.fulfill(**unavailable))
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue chez Vitrine")
    expect(page.get_by_role("link", name="Chaussures")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("momentanément indisponible")
    screenshot(page, "search-down")
    # The whole catalog down: a product page says so, with a retry that works once it is back.
    product = new_product()
    page.route("**/api/catalog/**", lambda route: route.fulfill(**unavailable))
    page.goto(f"/produits/{product['id']}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("momentanément indisponible")
    expect(alert.get_by_role("button", name="Réessayer")).to_be_visible()
    screenshot(page, "catalog-down")
    page.unroute("**/api/catalog/**")
    page.unroute("**/api/catalog/search**")
    alert.get_by_role("button", name="Réessayer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product["name"]["fr"])


def test_phone_sized_product_search(phone_page: Page, screenshot) -> None:
    phone_page.goto("/recherche?q=robe")
    expect(phone_page.locator(".product-card").first).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone_page, "search-phone")
