"""Readable contrast, measured in the browser: every visible piece of text against the background
it sits on reaches WCAG AA (4.5:1, or 3:1 for large text) on the main screens."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# For each visible element holding text of its own: its colour, the first opaque background
# up the tree, and the ratio of their relative luminances (WCAG 2 formula).
LOW_CONTRAST = """() => {
  const parse = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const [r, g, b, a = 1] = parse(getComputedStyle(node).backgroundColor);
      if (a > 0.9) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !element.checkVisibility()) continue;
    const style = getComputedStyle(element);
    if (element.closest(".skip, svg, video, .product-art")) continue;
    const fg = parse(style.color);
    const [l1, l2] = [luminance(fg), luminance(background(element))].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const text = element.textContent.trim().slice(0, 30);
    if (ratio < (large ? 3 : 4.5)) found.push(`${element.tagName}.${element.className} "${text}" ${ratio.toFixed(2)}`);
  }
  return found;
}"""


def test_the_measure_catches_faint_text(page: Page) -> None:
    page.goto("/etat")
    expect(page.locator(".status-list")).to_be_visible()
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'faint';
        p.style.color = '#bbbbbb'; document.querySelector('main').append(p); }""")
    assert any('"faint"' in problem for problem in page.evaluate(LOW_CONTRAST))


def test_main_screens_have_readable_contrast(page: Page, new_product) -> None:
    product = new_product(consult_available=True, final_sale=True)
    for path, ready in [
        ("/", ".product-card"),
        ("/recherche?q=robe", ".facet"),
        (f"/produits/{product['id']}", "#variant-stock"),
        ("/conseiller", ".slots legend"),
        ("/retours", "form"),
        ("/certificats", "form"),
        ("/staff", "form"),
    ]:
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible()
        assert page.evaluate(LOW_CONTRAST) == [], path
    page.goto(f"/produits/{product['id']}")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator(".cart-message")).to_contain_text("Ajouté")
    for path, ready in [("/panier", "table.cart-lines"), ("/caisse", "#card-element input")]:
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible()
        assert page.evaluate(LOW_CONTRAST) == [], path
