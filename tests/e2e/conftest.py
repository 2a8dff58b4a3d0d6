"""Browser tests: Playwright driving Debian's Chromium, axe on every page visited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts"
# A loaded CI machine (2 cores, two test workers, Chromium) can take more than expect's default 5 s to answer a
# click with the next page; assertions wait as long as actions do.
expect.set_options(timeout=15_000)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(tryfirst=True)  # before -m selects, so `-m "not e2e"` (make test-fast) leaves them all out
def pytest_collection_modifyitems(items):
    """Every test in tests/e2e is a browser test, whether or not its module says so."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _page(browser, live_server, width: int, height: int):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page."""
    context, page = _page(browser, live_server, 390, 844)
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context, page = _page(browser, live_server, 1280, 900)
    yield page
    context.close()


def signed_in(browser, live_server, user, *, width: int = 1280, height: int = 900):
    """A browser context and page signed in as the user: a session made on the server, as signing in makes
    one, so a step that is not about signing in does not spend its time on the form."""

    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def check_accessibility(page, name: str) -> None:
    """Run axe on the page; no serious or critical violation. Keeps a screenshot for people to look at."""

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name} ({page.url}): {serious}"
