"""Journeys through the service inventory, in English and French, with axe on every page."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO, PASSWORD
from tests.e2e.conftest import check_accessibility
from tests.factories import service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_switches_to_french_searches_filters_and_opens_a_service(page, demo):
    page.goto("/en/")
    check_accessibility(page, "home-en")
    page.get_by_role("link", name="Communities").first.click()
    page.get_by_role("link", name="North Shore Early Years Table").click()
    assert page.get_by_role("heading", level=1).inner_text() == "North Shore Early Years Table"
    check_accessibility(page, "community-en")

    page.get_by_role("link", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.url.endswith("/fr/communities/north-shore/")
    check_accessibility(page, "community-fr")

    page.get_by_role("searchbox", name="Recherche").fill("parole")
    page.get_by_role("button", name="Afficher les services").click()
    page.wait_for_url("**q=parole**")
    results = page.locator("#results .result h3")
    assert results.count() >= 1
    check_accessibility(page, "community-fr-search")

    page.get_by_label("Âge de l'enfant en mois").fill("30")
    page.get_by_role("button", name="Afficher les services").click()
    page.wait_for_url("**age_months=30**")
    first = results.first.inner_text()
    results.first.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == first
    assert page.locator("html").get_attribute("lang") == "fr"
    check_accessibility(page, "service-fr")


def test_facilitator_uploads_a_broken_file_sees_the_error_then_a_good_one(desktop, demo, tmp_path):
    from carepath.accounts.services import ensure_demo_user

    ensure_demo_user(
        username="fay",
        email="fay@example.org",
        password=PASSWORD,
        community=demo,
        role="facilitator",
        site_admin=False,
    )
    page = desktop
    page.goto("/en/accounts/login/")
    check_accessibility(page, "login-en")
    page.get_by_label("User name or email").fill("fay@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/en/communities/north-shore/")
    page.get_by_role("link", name="Import an HSDS file").click()
    check_accessibility(page, "import-en")

    broken = tmp_path / "new-services.json"
    broken.write_text(json.dumps([service("playgroup", name="Forest playgroup", status="sometimes")]))
    page.get_by_label("HSDS file").set_input_files(str(broken))
    page.get_by_role("button", name="Import").click()
    alert = page.get_by_role("alert")
    assert "new-services.json was not imported." in alert.inner_text()
    problems = page.locator("#problems tbody tr")
    assert problems.count() == 1
    assert (
        "status must be one of active, inactive, defunct, temporarily closed; found sometimes."
        in problems.inner_text()
    )
    check_accessibility(page, "import-error-en")

    good = tmp_path / "fixed.json"
    good.write_text(json.dumps([service("playgroup", name="Forest playgroup")]))
    page.get_by_label("HSDS file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    assert "fixed.json was imported." in page.get_by_role("status").first.inner_text()
    check_accessibility(page, "import-done-en")
    page.get_by_role("link", name="See the services").click()
    page.get_by_role("searchbox", name="Search").fill("Forest")
    page.get_by_role("button", name="Show services").click()
    page.wait_for_url("**q=Forest**")
    page.get_by_role("link", name="Forest playgroup").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Forest playgroup"
    check_accessibility(page, "imported-service-en")


def test_demo_files_are_in_the_repository():
    assert (DEMO / "hsds.en.json").exists() and (DEMO / "hsds.fr.json").exists()
