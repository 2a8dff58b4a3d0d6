"""The pathway journey: draft from the template, add a step, see and fix a problem, review, approve, publish, read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import check_accessibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_table_changes_reviews_and_publishes_its_pathway(desktop, browser, live_server):
    from carepath.accounts.services import ensure_demo_user
    from carepath.communities.services import get_or_create_community
    from carepath.pathways.models import Invitation
    from carepath.pathways.services import publish_template

    community = get_or_create_community(slug="lakeside", name="Lakeside Early Years Table")
    publish_template(community=community)
    ensure_demo_user(
        username="fay",
        email="fay@example.org",
        password=PASSWORD,
        community=community,
        role="facilitator",
        site_admin=False,
    )
    page = desktop

    page.goto("/en/accounts/login/")
    page.get_by_label("User name or email").fill("fay")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Start a draft from the template.
    page.goto("/en/communities/lakeside/pathway/")
    check_accessibility(page, "pathway-en")
    page.get_by_role("button", name="Start a new draft from the Ontario template").click()
    page.get_by_role("link", name="Edit this draft").click()
    check_accessibility(page, "editor-en")

    # Add a step: the checks say it cannot be reached and is a dead end.
    page.get_by_role("link", name="Add a step").click()
    page.get_by_label("Key").fill("peer-support")
    page.get_by_label("Title (English)").fill("Peer support for parents")
    page.get_by_label("Title (French)").fill("Soutien par les pairs pour les parents")
    page.get_by_label("Stage").select_option("through-care")
    page.get_by_label("Kind").select_option("wait-support")
    page.get_by_role("button", name="Save the step").click()
    problems = page.locator("#problems")
    assert "Step peer-support cannot be reached from a way in" in problems.inner_text()
    check_accessibility(page, "step-en")

    # Fix it: a way out of the step, and a way into it from intake, with criteria from plain controls.
    page.get_by_role("link", name="Add a transition").click()
    page.get_by_label("Next step").select_option("step-down-universal")
    page.get_by_label("Otherwise: take this when no other transition applies").check()
    check_accessibility(page, "transition-en")
    page.get_by_role("button", name="Save the transition").click()
    page.goto(page.url.split("/steps/")[0] + "/steps/intake-navigation/transitions/add/")
    page.get_by_label("Next step").select_option("peer-support")
    page.get_by_role("group", name="Worried about any of").get_by_label(
        "Parent or caregiver wellbeing"
    ).check()
    page.get_by_role("group", name="Urgency").get_by_label("routine").check()
    page.get_by_role("button", name="Save the transition").click()
    assert "No problem found" in page.locator("#problems").inner_text()

    # Open a review with a member who comments and an approver.
    page.get_by_role("link", name="Back to the draft").click()
    page.get_by_role("link", name="See this draft as families will").click()
    page.get_by_role("link", name="Send for review").click()
    page.get_by_label("Comments wanted by").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    page.locator("#id_invitees-0-name").fill("Mo (member)")
    page.locator("#id_invitees-1-name").fill("Dr. Ada Lin")
    page.locator("#id_invitees-1-role").select_option("approver")
    check_accessibility(page, "review-open-en")
    page.get_by_role("button", name="Open the review").click()
    check_accessibility(page, "review-en")
    # Each private link is shown this once (only its hash is stored).
    member_link = page.get_by_label("Private link for Mo (member)").input_value()
    approver_link = page.get_by_label("Private link for Dr. Ada Lin").input_value()
    assert Invitation.objects.filter(token_hash__isnull=False).count() == 2

    reviewer = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    ).new_page()
    reviewer.goto(member_link.replace("/en/", "/fr/"))
    check_accessibility(reviewer, "review-link-fr")
    reviewer.get_by_label("Votre commentaire sur Soutien par les pairs pour les parents").fill(
        "Pourrait-on offrir des rencontres le soir?"
    )
    reviewer.get_by_role(
        "button", name="Envoyer le commentaire sur Soutien par les pairs pour les parents"
    ).click()
    assert "Merci" in reviewer.get_by_role("status").first.inner_text()
    reviewer.goto(approver_link)
    reviewer.get_by_role("button", name="Approve this version").click()
    assert "your approval was recorded" in reviewer.get_by_role("status").first.inner_text()
    reviewer.context.close()

    # The facilitator answers, resolves and publishes (the review page again: the links are not shown twice).
    page.goto(page.url)
    assert page.get_by_label("Private link for Mo (member)").count() == 0
    page.get_by_label("Answer", exact=True).fill("Oui, deux soirs par mois.")
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Save the answer to Mo (member)").click()
    page.get_by_role("link", name="Back to the version").click()
    page.get_by_role("button", name="Publish this version").click()
    assert "is published" in page.get_by_role("status").first.inner_text()

    # A visitor reads it in French and prints it.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/fr/communities/lakeside/pathway/")
    assert visitor.locator("html").get_attribute("lang") == "fr"
    assert visitor.get_by_role("heading", name="Soutien par les pairs pour les parents").count() == 1
    check_accessibility(visitor, "pathway-fr")
    visitor.get_by_role("link", name="Version imprimable").click()
    visitor.emulate_media(media="print")
    assert visitor.locator(".site-header").is_hidden()
    check_accessibility(visitor, "pathway-print-fr")
    visitor.context.close()
