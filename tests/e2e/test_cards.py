"""A service card on a phone: call button and open-now in sight, the rest behind "More about this service" (opened
with the keyboard); a parent reports a wrong listing; the steward's facilitator resolves it. Axe on each page,
and no Content-Security-Policy violation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from carepath.communities.models import ListingReport
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_csp import sign_in, watched

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_parent_acts_on_a_card_and_reports_a_wrong_listing_which_the_facilitator_resolves(
    browser, live_server
):
    call_command("load-demo", "north-shore", "--with-users", verbosity=0)
    violations: list[str] = []
    context, page = watched(browser, live_server, violations)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/communities/north-shore/navigator/")
    page.get_by_label("Or your child's age in months").fill("18")
    page.get_by_role("checkbox", name="Feelings and getting along").check()
    page.get_by_label("Where you live").select_option(label="Maple Bay")
    page.get_by_role("button", name="Show my plan").click()

    card = page.locator(".service-card", has_text="Well-baby and well-child visits").first
    call = card.get_by_role("link", name="Call 705-555-0120")
    assert call.is_visible() and call.get_attribute("href") == "tel:7055550120"
    assert card.locator(".open-now .badge").inner_text() in ("Open now", "Closed now")
    directions = card.get_by_role("link", name="Directions on OpenStreetMap")
    assert not directions.is_visible()  # inside the closed <details>
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    assert directions.is_visible()
    assert (
        directions.get_attribute("href") == "https://www.openstreetmap.org/directions?to=46.3118%2C-79.4582"
    )
    assert card.get_by_text("Listing checked on 15 September 2026.").is_visible()
    check_accessibility(page, "card-plan-en")

    card.get_by_role("link", name="Report a problem with this listing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a problem with this listing")
    check_accessibility(page, "card-report-form-en")
    page.get_by_role("button", name="Send the report").click()  # nothing chosen
    assert page.get_by_text("This field is required.").first.is_visible()
    page.get_by_label("The hours are wrong").check()
    page.get_by_label("Tell us more").fill("The evening clinic is on Wednesdays now.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")
    assert page.get_by_text("Who will see it: North Shore Early Years Table").is_visible()
    check_accessibility(page, "card-report-thanks-en")
    assert ListingReport.objects.open().count() == 1

    sign_in(page, "facilitator")
    page.goto("/en/communities/north-shore/")
    page.get_by_role("link", name="Problems reported with listings (1 open)").click()
    assert page.get_by_text("The evening clinic is on Wednesdays now.").is_visible()
    check_accessibility(page, "card-reports-en")
    page.get_by_role("button", name="Mark resolved").click()
    assert page.get_by_text("The report is marked resolved.").is_visible()
    assert ListingReport.objects.open().count() == 0
    assert violations == []
    context.close()
