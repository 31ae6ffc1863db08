"""Talking to an advisor, in real browsers: a shopper books a slot shown in their time zone; a
shopper and an advisor (two pages with fake cameras) hold a live call whose two remote videos
play, the advisor pushes a product, the shopper adds it to the cart and pays, and the order is
attributed to the call."""

import os
import re
import threading
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

EDGE = os.environ.get("VITRINE_EDGE_URL", "http://127.0.0.1:8080")


def test_a_shopper_books_a_video_slot_shown_in_their_time_zone(page: Page, screenshot) -> None:
    page.goto("/conseiller")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parler à un conseiller")
    # Chromium names the Montreal zone by its canonical name, America/Toronto.
    zone = re.compile(r"America/(Montreal|Toronto)")
    expect(page.locator(".slots legend")).to_have_text(
        re.compile(r"^Créneaux libres \(heure de America/(Montreal|Toronto)\)$")
    )
    first_slot = page.locator('input[name="slot"]').first
    starts_at = first_slot.get_attribute("value")
    first_slot.check()
    page.get_by_label("Nom complet").fill("Camille Client")
    page.get_by_label("Courriel").fill(f"web-{uuid.uuid4().hex[:8]}@example.com")
    screenshot(page, "booking-form")
    page.get_by_role("button", name="Réserver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre rendez-vous")
    expect(page.locator("#booking-status")).to_have_text("confirmé")
    # The time shown is the slot's instant in the shopper's zone (Montreal), not UTC.
    local = datetime.fromisoformat(starts_at.replace("Z", "+00:00")).astimezone(ZoneInfo("America/Montreal"))
    expect(page.locator("#booking-when")).to_contain_text(f"{local.hour} h {local.minute:02d}")
    expect(page.locator("#booking-when")).to_contain_text(zone)
    expect(page.get_by_role("button", name="Rejoindre l'appel vidéo")).to_be_visible()
    screenshot(page, "booking-confirmed")
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    expect(page.locator("#booking-status")).to_have_text("annulé")


def test_phone_callback_needs_a_phone_number(page: Page) -> None:
    page.goto("/conseiller")
    page.get_by_label("Rappel téléphonique").check()
    page.locator('input[name="slot"]').first.check()
    page.get_by_label("Nom complet").fill("Camille Client")
    page.get_by_label("Courriel").fill(f"web-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_role("button", name="Réserver").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/conseiller"))


@pytest.fixture
def camille_on_duty(edge_api: httpx.Client, staff_token):
    """Camille's hours cover now (a date override for today and tomorrow in her zone), so the
    instant queue is open whatever the time of the run; her overrides are put back afterwards."""
    headers = {"Authorization": f"Bearer {staff_token('camille@vitrine.test')}"}
    me = edge_api.get("/api/consult/advisors/me", headers=headers).json()
    today = datetime.now(ZoneInfo(me["time_zone"])).date()
    overrides = dict(me["date_overrides"])
    for day in (today, today + timedelta(days=1)):
        overrides[day.isoformat()] = [["00:00", "24:00"]]
    patched = edge_api.patch(f"/api/consult/advisors/{me['id']}", headers=headers, json={"overrides": overrides})
    assert patched.status_code == 200, patched.text
    yield me
    edge_api.patch(
        f"/api/consult/advisors/{me['id']}", headers=headers, json={"overrides": me["date_overrides"]}
    ).raise_for_status()


def frames_advance(page: Page, selector: str) -> bool:
    """The video has a picture and its clock moves (decoded frames keep arriving)."""
    before = page.evaluate(f"document.querySelector('{selector}').currentTime")
    page.wait_for_timeout(1200)
    return page.evaluate(
        f"""(() => {{ const v = document.querySelector('{selector}');
        return v.videoWidth > 0 && !v.paused && v.currentTime > {before}; }})()"""
    )


# Test-only instrumentation (an init script): keep every peer connection the page makes, so the
# test can read each remote voice's receiver statistics.
KEEP_PEER_CONNECTIONS = """(() => {
  const Native = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__peerConnections.push(this); }
  };
})()"""

VOICE_CHECK = """async (selector) => {
  const element = document.querySelector(selector);
  const track = element && element.srcObject && element.srcObject.getAudioTracks()[0];
  if (!track) return `no audio track in ${selector}`;
  if (element.muted || element.volume === 0) return `${selector} is muted`;
  if (element.paused) return `${selector} is not playing`;
  const pc = window.__peerConnections.filter((p) => p.connectionState !== "closed").at(-1);
  const receiver = pc && pc.getReceivers().find((r) => r.track === track);
  if (!receiver) return `no receiver for the audio of ${selector}`;
  const read = async () => {
    let seen = { bytes: 0, energy: 0 };
    (await receiver.getStats()).forEach((r) => {
      if (r.type !== "inbound-rtp" || r.kind !== "audio") return;
      seen = { bytes: r.bytesReceived || 0, energy: r.totalAudioEnergy || 0 };
    });
    return seen;
  };
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await read();
  if (after.bytes <= before.bytes) return `no audio arriving for ${selector} (${after.bytes} bytes in all)`;
  if (after.energy <= before.energy) return `silence on ${selector} (energy ${before.energy} -> ${after.energy})`;
  return "";
}"""


def voice_heard(page: Page, selector: str, attempts: int = 20) -> str:
    """'' once the element plays (unmuted) a remote audio track whose received energy grows (the
    fake microphone beeps, so a voice is never silent); else why not, after generous retries."""
    problem = "not checked"
    for _ in range(attempts):
        problem = page.evaluate(VOICE_CHECK, selector)
        if not problem:
            return ""
        page.wait_for_timeout(1000)
    return problem


def start_call(advisor: Page, shopper: Page, screenshot) -> str:
    """Camille signs in to her console, the shopper joins the queue, Camille claims them; returns
    the call's session id once both pages are on the call."""
    advisor.goto("/staff?next=/conseillers")
    advisor.get_by_label("Courriel").fill("camille@vitrine.test")
    advisor.get_by_label("Mot de passe").fill("vitrine-demo-2026")
    advisor.get_by_role("button", name="Se connecter").click()
    expect(advisor.get_by_role("heading", level=1)).to_have_text("Console conseiller")

    shopper.goto("/conseiller")
    shopper.get_by_label("Votre prénom").fill("Alex")
    shopper.get_by_role("button", name="Rejoindre la file").click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Dans la file")
    expect(shopper.locator("#queue-position")).to_have_text(re.compile(r"^\d+$"))
    screenshot(shopper, "queue-position")

    expect(advisor.locator("#live-queue")).to_contain_text("Alex")
    screenshot(advisor, "advisor-console")
    # Claim until this shopper is ours (the queue serves the oldest first).
    for _ in range(10):
        claim = advisor.get_by_role("button", name="Prendre le client suivant")
        expect(claim).to_be_enabled()
        claim.click()
        try:
            expect(advisor.get_by_role("heading", level=1)).to_have_text("Appel avec un conseiller")
        except AssertionError:
            continue  # the claim was refused (someone else took that shopper): the console says so
        if "/appel/" in shopper.url:
            break
        shopper.wait_for_timeout(2500)
        if "/appel/" in shopper.url:
            break
        advisor.get_by_role("button", name="Raccrocher").click()
        advisor.goto("/conseillers")
    expect(shopper).to_have_url(re.compile(r"/appel/"))
    session_id = shopper.url.rsplit("/", 1)[1]
    assert advisor.url.endswith(session_id)
    return session_id


def test_a_live_call_with_a_pushed_product_bought_and_attributed_to_the_call(
    browser: Browser, camille_on_duty, new_product, edge_api: httpx.Client, staff_token, screenshot
) -> None:
    word = f"demo{uuid.uuid4().hex[:8]}"
    product = new_product(name={"fr": f"Châle {word}", "en": f"{word} shawl"})
    for _ in range(100):  # the catalog indexes new products for search in its worker
        if edge_api.get("/api/catalog/search", params={"q": word}).json().get("total"):
            break
        threading.Event().wait(0.2)
    contexts = [
        browser.new_context(
            base_url=EDGE, locale="fr-CA", timezone_id="America/Montreal", permissions=["camera", "microphone"]
        )
        for _ in range(2)
    ]
    advisor, shopper = (context.new_page() for context in contexts)
    try:
        session_id = start_call(advisor, shopper, screenshot)

        expect(advisor.locator("#call-status")).to_have_text("En communication", timeout=20000)
        expect(shopper.locator("#call-status")).to_have_text("En communication", timeout=20000)
        for page in (advisor, shopper):
            assert frames_advance(page, "#remote-video"), f"remote video frozen on {page.url}"
            assert frames_advance(page, "#local-video")
        screenshot(shopper, "call-shopper")

        # Mute and camera off are toggles a keyboard reaches.
        shopper.get_by_role("button", name="Couper le micro").press("Enter")
        expect(shopper.locator("#mute")).to_have_attribute("aria-pressed", "true")
        shopper.get_by_role("button", name="Couper la caméra").click()
        expect(shopper.locator("#camera")).to_have_attribute("aria-pressed", "true")
        shopper.get_by_role("button", name="Rétablir la caméra").click()

        # The advisor finds the product and pushes it; the shopper adds it to the cart.
        advisor.get_by_label("Chercher dans le catalogue").fill(word)
        show = advisor.get_by_role("button", name="Montrer au client").first
        for _ in range(8):  # a search the catalog could not answer shows a message; search again
            advisor.get_by_label("Chercher dans le catalogue").press("Enter")
            try:
                expect(show).to_be_visible()
                break
            except AssertionError:
                continue
        show.click()
        advisor.get_by_role("button", name="Envoyer M · bleu").click()
        expect(advisor.get_by_role("status").filter(has_text="envoyé au client")).to_be_visible()
        card = shopper.locator(".pushed-product").first
        expect(card).to_contain_text(f"Châle {word}")
        expect(card).to_contain_text("12,99\u00a0$")
        screenshot(advisor, "call-advisor")
        card.get_by_role("button", name="Ajouter au panier").click()
        expect(card).to_contain_text("Ajouté au panier")
        expect(shopper.locator("#cart-link .cart-count")).to_have_text("1")
        screenshot(shopper, "call-product-added")

        advisor.get_by_role("button", name="Raccrocher").click()
        expect(shopper.locator("#call-status")).to_have_text("L'autre personne a raccroché.")
        advisor.get_by_label("Notes (jamais montrées au client)").fill("Cherchait un châle léger.")
        advisor.get_by_label("Étiquettes").fill("châle, cadeau")
        advisor.get_by_role("button", name="Enregistrer").click()
        expect(advisor.get_by_text("Notes enregistrées.")).to_be_visible()

        # The shopper pays for the cart the call filled.
        shopper.goto("/caisse")
        shopper.get_by_label("Courriel").fill(f"web-{uuid.uuid4().hex[:8]}@example.com")
        shopper.get_by_label("Nom complet").fill("Alex Client")
        shopper.get_by_label("Adresse", exact=True).fill("123, rue Saint-Denis")
        shopper.get_by_label("Ville").fill("Montréal")
        shopper.get_by_label("Code postal", exact=True).fill("H2X 1Y4")
        shopper.get_by_label("Numéro de carte").fill("4242424242424242")
        shopper.get_by_label("Mois d'expiration (MM)").fill("12")
        shopper.get_by_label("Année d'expiration (AA)").fill("30")
        shopper.get_by_label("Code de sécurité (CVC)").fill("123")
        shopper.get_by_label("Code postal de la carte").fill("H2X1Y4")
        shopper.get_by_role("button", name="Payer").click()
        expect(shopper.locator("#order-status strong")).to_have_text("payée", timeout=15000)
        order_id = shopper.url.rsplit("/", 1)[1]
        order_token = shopper.evaluate(f"JSON.parse(localStorage.getItem('vitrine.orders'))['{order_id}']")
        order = edge_api.get(f"/api/checkout/orders/{order_id}", headers={"X-Order-Token": order_token}).json()
        assert order["consult_session_id"] == session_id
        assert [line["sku"] for line in order["lines"]] == [product["variants"][0]["sku"]]

        # Consult attributes the paid order to the call (from checkout.order.paid).
        camille = {"Authorization": f"Bearer {staff_token('camille@vitrine.test')}"}
        for _ in range(50):
            summary = edge_api.get(f"/api/consult/sessions/{session_id}/summary", headers=camille).json()
            if summary["orders"]:
                break
            shopper.wait_for_timeout(300)
        assert [attributed["order_number"] for attributed in summary["orders"]] == [order["order_number"]], summary
        assert summary["products_shared"] == [{"sku": product["variants"][0]["sku"], "added_to_cart": True}]
    finally:
        for context in contexts:
            context.close()


def test_a_companion_joins_the_call_moves_to_the_relay_and_everyone_hears_both_others(
    browser: Browser, camille_on_duty, screenshot
) -> None:
    options = {"base_url": EDGE, "locale": "fr-CA", "timezone_id": "America/Montreal"}
    contexts = [browser.new_context(**options, permissions=["camera", "microphone"]) for _ in range(3)]
    for context in contexts:
        context.add_init_script(KEEP_PEER_CONNECTIONS)
    advisor, shopper, guest = (context.new_page() for context in contexts)
    try:
        start_call(advisor, shopper, screenshot)
        expect(shopper.locator("#call-status")).to_have_text("En communication", timeout=20000)
        shopper.get_by_role("button", name="Créer un lien d'invitation").click()
        link = shopper.get_by_label("Lien à envoyer (valable pour cet appel)").input_value()
        guest.goto(link)
        for page in (advisor, shopper, guest):
            expect(page.locator("#call-status")).to_have_text("En communication", timeout=30000)
            expect(page.locator("#remote-video-2")).to_have_count(1, timeout=20000)
        for page in (advisor, shopper, guest):
            for selector in ("#remote-video", "#remote-video-2"):
                assert frames_advance(page, selector), f"{selector} frozen on the {page.url} page"
        # Both other voices are heard on every page: two distinct remote audio tracks, each played
        # and carrying sound.
        for name, page in (("advisor", advisor), ("shopper", shopper), ("guest", guest)):
            for selector in ("#remote-video", "#remote-video-2"):
                problem = voice_heard(page, selector)
                assert not problem, f"on the {name}'s page: {problem}"
            voices = page.evaluate(
                "['#remote-video', '#remote-video-2']"
                ".map((s) => document.querySelector(s).srcObject.getAudioTracks()[0].id)"
            )
            assert len(set(voices)) == 2, f"on the {name}'s page both remote videos play the same voice"
        screenshot(guest, "call-three-way")
    finally:
        for context in contexts:
            context.close()


def test_the_advisor_console_lists_todays_bookings(
    page: Page, camille_on_duty, edge_api: httpx.Client, screenshot
) -> None:
    zone = ZoneInfo("America/Montreal")
    slots = edge_api.get(
        "/api/consult/slots",
        params={
            "mode": "video",
            "language": "fr",
            "advisor_id": camille_on_duty["id"],
            "time_zone": "America/Montreal",
        },
    ).json()["slots"]
    today = datetime.now(zone).date()
    todays = [slot for slot in slots if datetime.fromisoformat(slot["starts_at"]).astimezone(zone).date() == today]
    if not todays:
        pytest.skip("no bookable slot left today in Montreal (run after 23:30)")
    name = f"Client {uuid.uuid4().hex[:6]}"
    booked = edge_api.post(
        "/api/consult/bookings",
        json={
            "starts_at": todays[-1]["starts_at"],
            "mode": "video",
            "language": "fr",
            "advisor_id": camille_on_duty["id"],
            "time_zone": "America/Montreal",
            "shopper": {"name": name, "email": f"web-{uuid.uuid4().hex[:8]}@example.com"},
        },
    )
    assert booked.status_code == 201, booked.text
    try:
        page.goto("/staff?next=/conseillers")
        page.get_by_label("Courriel").fill("camille@vitrine.test")
        page.get_by_label("Mot de passe").fill("vitrine-demo-2026")
        page.get_by_role("button", name="Se connecter").click()
        entry = page.locator(f'[data-booking="{booked.json()["id"]}"]')
        expect(entry).to_contain_text(name)
        expect(entry.get_by_role("button", name="Ouvrir l'appel")).to_be_visible()
        screenshot(page, "advisor-today")
    finally:
        edge_api.post(
            f"/api/consult/bookings/{booked.json()['id']}/cancel", headers={"X-Booking-Token": booked.json()["token"]}
        )
