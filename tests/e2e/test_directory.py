"""Journeys through the service inventory, in English and French, with axe on every page."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from carepath.accounts.services import ensure_demo_user
from carepath.communities.services import get_or_create_community
from carepath.directory.models import Service
from tests.conftest import DEMO, PASSWORD
from tests.e2e.conftest import check_accessibility
from tests.factories import service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def show_services(page) -> None:
    """Press the filter's button and wait for the list to be swapped in: htmx pushes the new address before it
    swaps, so a click right after the address changes can land on the list being replaced."""
    page.locator("#results").evaluate("element => element.dataset.replaced = 'no'")
    page.get_by_role("button", name="Afficher les services").click()
    expect(page.locator("#results[data-replaced]")).to_have_count(0)


def test_visitor_switches_to_french_searches_filters_and_opens_a_service(page, demo):
    page.goto("/en/")
    check_accessibility(page, "home-en")
    page.get_by_role("link", name="Communities").first.click()
    page.get_by_role("link", name="North Shore Early Years Table").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Shore Early Years Table")
    check_accessibility(page, "community-en")

    page.get_by_role("link", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.url.endswith("/fr/communities/north-shore/")
    check_accessibility(page, "community-fr")

    page.get_by_role("searchbox", name="Recherche").fill("parole")
    show_services(page)
    page.wait_for_url("**q=parole**")
    results = page.locator("#results .result h3")
    assert results.count() == 1  # the demo's speech and language service
    check_accessibility(page, "community-fr-search")

    page.get_by_label("Âge de l'enfant en mois").fill("30")
    show_services(page)
    page.wait_for_url("**age_months=30**")
    first = results.first.inner_text()
    results.first.get_by_role("link").click()
    page.wait_for_url("**/services/**")  # the service page, not the list it left
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    assert page.locator("html").get_attribute("lang") == "fr"
    check_accessibility(page, "service-fr")


def imported_by_the_worker(page, filename: str) -> None:
    """The upload lands on its job's page, waiting for the worker; the worker runs it, and the page (polling)
    turns into the result."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Import an HSDS file")
    expect(page.locator("#import-progress")).to_contain_text("Waiting to start")
    assert f"Importing {filename}." in page.locator(".lead").inner_text()
    check_accessibility(page, f"import-job-{filename}")
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(page.locator("#import-progress")).to_have_count(0)  # the finished page has loaded


def test_facilitator_uploads_a_broken_file_sees_the_error_then_a_good_one(desktop, demo, tmp_path, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"}
    }  # queued until the worker runs
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
    imported_by_the_worker(page, "new-services.json")
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
    imported_by_the_worker(page, "fixed.json")
    assert "fixed.json was imported." in page.get_by_role("status").first.inner_text()
    check_accessibility(page, "import-done-en")
    page.get_by_role("link", name="See the services").click()
    page.get_by_role("searchbox", name="Search").fill("Forest")
    page.get_by_role("button", name="Show services").click()
    page.wait_for_url("**q=Forest**")
    page.get_by_role("link", name="Forest playgroup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forest playgroup")
    check_accessibility(page, "imported-service-en")


def test_demo_files_are_in_the_repository():
    assert (DEMO / "hsds.en.json").exists() and (DEMO / "hsds.fr.json").exists()


def test_facilitator_of_another_community_lists_a_service_and_changes_only_the_listing(page, demo):
    """Hillcrest lists North Shore's crisis line, then edits how it lists it, in French, on a phone, with the
    keyboard; the service itself stays North Shore's."""

    hillcrest = get_or_create_community(slug="hillcrest", name="Hillcrest")
    ensure_demo_user(
        username="hal",
        email="hal@example.org",
        password=PASSWORD,
        community=hillcrest,
        role="facilitator",
        site_admin=False,
    )
    page.goto("/en/accounts/login/")
    page.get_by_label("User name or email").fill("hal")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.goto("/en/communities/hillcrest/")
    page.get_by_role("link", name="List a service another community keeps").click()
    check_accessibility(page, "list-elsewhere-en")
    page.get_by_label("Search services other communities keep").fill("crisis line")
    page.get_by_label("Search services other communities keep").press("Enter")
    page.wait_for_url("**q=crisis**")
    found = page.locator(".result").filter(has_text="24/7 Family Crisis Line")
    assert "Kept by North Shore Early Years Table" in found.inner_text()
    check_accessibility(page, "list-elsewhere-search-en")
    button = found.get_by_role(
        "button", name="List 24/7 Family Crisis Line (phone, text and video) in our inventory"
    )
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit/")
    assert "is now in your inventory" in page.get_by_role("status").first.inner_text()

    page.get_by_role("link", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    note = page.get_by_role("note")
    assert "tenu à jour par Table de la petite enfance de la Rive-Nord" in note.inner_text()
    check_accessibility(page, "listing-form-fr")
    page.get_by_label("Comment orienter une famille vers ce service (anglais)").fill(
        "Call the Hillcrest hub first."
    )
    page.get_by_role("button", name="Enregistrer").press("Enter")
    page.wait_for_url("**/services/*/")
    assert (
        "Responsable\u00a0: Table de la petite enfance de la Rive-Nord"
        in page.locator(".meta").first.inner_text()
    )
    check_accessibility(page, "listed-service-fr")
    crisis = Service.objects.get(name_en__startswith="24/7 Family Crisis Line")
    assert crisis.steward == demo
    assert hillcrest.entries.get(service=crisis).referral_notes_en == "Call the Hillcrest hub first."
