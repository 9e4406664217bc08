"""Issue 8 in a real browser: a coordinator enrols an authenticator on the real screens (the
code computed from the secret the page shows), logs out, and logs in again with password and
code; and the pages work under the real Content-Security-Policy (no bypass here)."""

from __future__ import annotations

from base64 import b32decode

import pytest
from auth_support import totp_code
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.people import services as people

from .browser import assert_accessible, login, require_tools, screenshot
from .conftest import PASSWORD, SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrolment_then_login_with_the_second_factor(page, org):
    user = people.professional_create(SYSTEM, organisation=org, username="coordinator1",
                                      role="coordinator", first_name="Fatima",
                                      last_name="El Amrani", password=PASSWORD)
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/beveiliging/authenticator/**")
    assert page.get_by_role("heading", name="Authenticator-app koppelen").is_visible()
    qr = page.get_by_role("img", name="QR-code met de geheime sleutel voor uw authenticator-app")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_role("navigation", name="Hoofdmenu").count() == 0  # nothing else yet
    assert_accessible(page)
    screenshot(page, "security-01-enrol")

    secret = page.locator("#geheime-sleutel").inner_text().replace(" ", "")
    page.get_by_label("Code uit de authenticator-app").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="Koppelen").click()
    page.wait_for_url("**/")
    assert page.get_by_text("Uw authenticator-app is gekoppeld").is_visible()
    assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()
    screenshot(page, "security-02-enrolled")

    page.get_by_role("link", name="Inlogbeveiliging").click()
    assert page.get_by_role("table", name="Gekoppelde authenticators").is_visible()
    assert_accessible(page)
    screenshot(page, "security-03-settings")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/login/tweede-stap/**")
    page.get_by_label("Code uit de authenticator-app").fill("000000" if totp_code(
        TOTPDevice.objects.get(user=user)) != "000000" else "111111")
    page.get_by_role("button", name="Bevestigen").click()
    assert page.get_by_text("Deze code klopt niet").first.is_visible()
    assert_accessible(page)
    screenshot(page, "security-04-second-factor-wrong")
    device = TOTPDevice.objects.get(user=user)
    device.throttling_failure_timestamp = None  # skip django-otp's wait after a wrong code
    device.save()
    page.get_by_label("Code uit de authenticator-app").fill(totp_code(device))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Uw organisatie").is_visible()


def test_pages_work_under_the_real_csp(chromium, live_server, make_pro, org):
    """A context *without* bypass_csp: no CSP violation on the pages, the QR image loads."""
    require_tools()
    context = chromium.new_context(base_url=live_server.url, locale="nl-NL",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    coordinator = make_pro(org, role="coordinator")
    login(page, coordinator, PASSWORD)
    for path in ("/", "/taken/", "/personen/zoeken/", "/kinderen/", "/beveiliging/",
                 "/beveiliging/authenticator/"):
        page.goto(path)
        page.wait_for_load_state()
    img = page.locator("img.qr")
    assert img.evaluate("img => img.complete && img.naturalWidth > 0")
    context.close()
    assert violations == [], violations
