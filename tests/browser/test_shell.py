"""The app's shell in a real browser: language, staff sign-in, problem messages, small screens."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_home_opens_in_french_and_switches_to_english(page: Page, screenshot) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue chez Vitrine")
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    screenshot(page, "home-fr")
    page.get_by_role("button", name="Passer à l'anglais").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Vitrine")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Vitrine")


def test_status_page_shows_every_service_ready(page: Page) -> None:
    page.goto("/etat")
    for service in ("catalog", "checkout", "consult", "returns", "identity"):
        expect(page.locator(f'[data-service="{service}"]')).to_have_class("ok")


def test_staff_sign_in_with_the_keyboard_and_a_wrong_password_message(page: Page, screenshot) -> None:
    page.goto("/staff")
    page.get_by_label("Courriel").fill("ops@vitrine.test")
    page.get_by_label("Mot de passe").fill("not the password")
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Courriel inconnu ou mot de passe erroné.")
    page.get_by_label("Mot de passe").fill("vitrine-demo-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Olivia Ops")
    screenshot(page, "staff-signed-in")


def test_unknown_page_says_so(page: Page) -> None:
    page.goto("/no/such/page")
    expect(page.locator("main")).to_contain_text("Page introuvable")


def test_phone_sized_screen_keeps_navigation_reachable(phone_page: Page, screenshot) -> None:
    phone_page.goto("/")
    expect(phone_page.get_by_role("link", name="Espace employés")).to_be_visible()
    screenshot(phone_page, "home-phone")
