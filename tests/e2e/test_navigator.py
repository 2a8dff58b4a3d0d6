"""The family journey on a phone, in English and French (crisis path included), and the provider view."""

from __future__ import annotations

import pytest

from carepath.navigator.models import SavedPlan
from tests.e2e.conftest import check_accessibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_parent_gets_saves_prints_and_deletes_a_plan_in_english(page, demo):
    page.goto("/en/")
    page.get_by_role("link", name="Find help for your young child").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Find help for your young child"
    crisis = page.get_by_role("region", name="In crisis right now?")
    assert crisis.get_by_role("link", name="705-555-0199").is_visible()  # crisis line, callable at once
    check_accessibility(page, "navigator-questions-en")

    page.get_by_label("Or your child's age in months").fill("20")
    page.get_by_role("checkbox", name="Talking and understanding").check()
    page.get_by_label("ASQ-3 (questions about development)").select_option("below-cutoff")
    page.get_by_label("Where you live").select_option(label="Maple Bay")
    page.get_by_role("button", name="Show my plan").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your plan"
    now = page.locator("h2:has-text('What to do now') + section h3")
    assert now.first.inner_text().startswith("Intake and navigation")
    assert page.get_by_role("heading", name="Preschool Speech and Language", exact=True).is_visible()
    first_card = page.locator(".service-card").first
    assert first_card.locator(".reasons li").count() >= 1
    check_accessibility(page, "navigator-plan-en")

    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_url("**/en/plan/**")
    assert page.get_by_text("Your private link").is_visible()
    assert SavedPlan.objects.count() == 1
    link = page.url
    check_accessibility(page, "navigator-saved-en")

    page.get_by_role("link", name="Print view").click()
    assert page.get_by_text("Printed from Carepath").is_visible()
    check_accessibility(page, "navigator-print-en")

    page.goto(link)
    page.get_by_role("button", name="Delete my saved plan now").click()
    assert page.get_by_text("Your saved plan is deleted").is_visible()
    assert SavedPlan.objects.count() == 0
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "This plan does not exist"


def test_a_family_in_crisis_in_french(page, demo):
    page.goto("/fr/communities/north-shore/navigator/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("region", name="En crise en ce moment?").is_visible()
    check_accessibility(page, "navigator-questions-fr")

    page.get_by_label("Ou l'âge de votre enfant en mois").fill("40")
    page.get_by_role("checkbox", name="Comportement").check()
    page.get_by_label(
        "C'est une crise : quelqu'un pourrait être blessé, ou nous n'y arrivons plus aujourd'hui"
    ).check()
    page.get_by_label("La langue que vous préférez").select_option("fr")
    page.get_by_role("button", name="Afficher mon plan").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre plan"
    assert page.get_by_role("region", name="En crise en ce moment?").is_visible()
    first_step = page.locator("h2:has-text('Quoi faire maintenant') + section h3").first
    assert first_step.inner_text() == "Soutien en situation de crise"
    assert page.locator(".plan-step").first.locator(".service-card").count() >= 1
    check_accessibility(page, "navigator-plan-crisis-fr")


def test_a_family_doctor_uses_the_provider_view_from_the_pathway(desktop, demo):
    page = desktop
    page.goto("/en/communities/north-shore/pathway/")
    page.get_by_role("link", name="Provider view: where to refer").click()
    check_accessibility(page, "navigator-provider-questions-en")
    page.get_by_label("Or your child's age in months").fill("30")
    page.get_by_role("checkbox", name="Behaviour").check()
    page.get_by_label("ASQ:SE-2 (questions about feelings and behaviour)").select_option("above-cutoff")
    page.get_by_role("button", name="Show the matches").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Where to refer: the pathway for this child"
    assert page.get_by_text("Pathway step").first.is_visible()
    assert page.get_by_role("heading", name="How to refer").first.is_visible()  # first on each card, in sight
    assert page.get_by_text("Match score").count() == 0
    check_accessibility(page, "navigator-provider-plan-en")
