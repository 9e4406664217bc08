"""Playwright driving Debian's chromium (never a downloaded browser), and axe-core injected
into the page: the pattern every screen test follows. Without chromium or axe-core the tests
skip and say how to get them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require_tools() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium missing: apt-get install -y chromium")
    if not AXE.exists():
        pytest.skip("axe-core missing: run npm install (axe-core)")


@pytest.fixture
def chromium(live_server, monkeypatch) -> Iterator[object]:
    """Debian's chromium, per test. It starts after the database and the live server are up:
    Playwright's sync API runs an event loop in this thread, so from here on Django must be
    told that the test's own (synchronous) ORM calls are fine."""
    require_tools()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps this test's connections per context, not
        # per thread: close them here, or PostgreSQL cannot drop the test database later.
        connections.close_all()


@pytest.fixture
def page(chromium, live_server) -> Iterator[object]:
    """A fresh browser context against the live server."""
    # bypass_csp: ONLY so that axe-core can be injected (add_script_tag is an inline script,
    # which the strict CSP refuses). test_browser_security checks the pages under the real CSP.
    context = chromium.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=True,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, user, password: str) -> None:
    """Log in through the real login page, and — for a user who needs a second factor — the
    real second-factor page with the code an authenticator app would show (the device is
    enrolled through the service first if the user has none; tests/auth_support.py)."""
    from auth_support import enrol_totp, totp_code

    from kindzicht.security.policy import needs_second_factor

    device = enrol_totp(user) if needs_second_factor(user) else None
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    if device is not None:
        page.wait_for_url("**/login/tweede-stap/**")
        page.get_by_label("Code uit de authenticator-app").fill(totp_code(device))
        page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url("**/")


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, violations


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def another_page(chromium, live_server):
    """A second, separate browser session (another professional at another organisation)."""
    # bypass_csp only for axe-core's injection, as in ``page``.
    context = chromium.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=True,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page
