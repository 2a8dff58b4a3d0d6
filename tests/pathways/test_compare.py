"""The compare page: what changed between two versions, before and after, in words people read."""

from __future__ import annotations

import html
import re

import pytest

from carepath.pathways import services
from carepath.pathways.models import Step, Transition
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Codes the changes below involve: none may be shown where a value is (the plain English words among them
# are looked for on the French page only).
CODES = {"wait-support", "caregiver-capacity", "through-care", "brief-service"}
WORDS = {"consult", "soon", "crisis", "routine"}


@pytest.fixture
def draft(community):
    published = services.publish_template(community=community)
    draft = services.start_draft(community=community, actor=None, from_version=published)
    step = Step.objects.get(version=draft, key="wait-support")
    assert step.service_types == ["wait-support", "caregiver-capacity"]
    step.service_types = ["caregiver-capacity", "navigation"]  # one gone, one new, the order changed too
    step.tiers = list(reversed(step.tiers))  # only the order: no change
    step.kind = "consult"
    step.age_min = 12
    step.save()
    brief = Transition.objects.get(step=step, to_key="brief-service")
    assert brief.criteria == {"urgency": ["soon"]}
    brief.criteria = {"urgency": ["crisis", "soon"]}
    brief.save()
    draft.title_fr = "Parcours de soins de la petite enfance de Lakeside"
    draft.save()
    return draft


def text(cell: str) -> str:
    """A cell's text, its spaces run together (a no-break space stays: the French typography needs it)."""
    return re.sub(r"[ \t\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", cell))).strip()


def cells(response) -> list[str]:
    """The text of every value cell of the page's tables."""
    return [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", response.content.decode(), flags=re.S)]


def rows(response) -> dict[str, tuple[str, str]]:
    """Each row of the page's tables by its field name: (before, after)."""
    found = re.findall(
        r'<tr><th scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td></tr>',
        response.content.decode(),
        flags=re.S,
    )
    return {text(name): (text(before), text(after)) for name, before, after in found}


def test_the_compare_page_shows_values_before_and_after_in_english(client, draft, member):
    client.login(username=member.username, password=PASSWORD)
    response = client.get(f"/en/communities/lakeside/pathway/compare/?from=1&to={draft.number}")
    assert response.status_code == 200
    assert [s["key"] for s in response.context["steps"]] == ["wait-support"]
    shown = rows(response)
    assert shown["Kind"] == ("Support while waiting", "Consultation")
    assert shown["Ages"] == ("0 to 83 months", "12 to 83 months")
    assert shown["Service types"] == (
        "Support while waiting for service, Family and caregiver capacity building and support "
        "Removed: Support while waiting for service",
        "Family and caregiver capacity building and support, Intake, navigation and care coordination "
        "Added: Intake, navigation and care coordination",
    )
    assert "Tiers of care" not in shown  # only their order changed
    assert shown["Urgency"] == ("Urgency: soon.", "Urgency: crisis or soon. Added: crisis")
    assert shown["Title (French)"] == (
        "Parcours de soins en santé mentale de la petite enfance en Ontario",
        "Parcours de soins de la petite enfance de Lakeside",
    )
    assert "Next step: Brief services (single session or walk-in)" in text(response.content.decode())
    for cell in cells(response):
        assert not set(re.findall(r"[a-z]+(?:-[a-z]+)+", cell)) & CODES, cell


def test_the_compare_page_shows_values_with_french_labels(client, draft, member):
    client.login(username=member.username, password=PASSWORD)
    response = client.get(f"/fr/communities/lakeside/pathway/compare/?from=1&to={draft.number}")
    shown = rows(response)
    assert shown["Type"] == ("Soutien pendant l'attente", "Consultation")
    assert shown["Âges"] == ("0 à 83 mois", "12 à 83 mois")
    before, after = shown["Types de services"]
    assert before.startswith("Soutien pendant l'attente de services, Renforcement des capacités")
    assert after.endswith("Ajout\u00a0: Accueil, orientation et coordination des soins")
    assert shown["Urgence"] == (
        "Urgence\u00a0: bientôt.",
        "Urgence\u00a0: crise ou bientôt. Ajout\u00a0: crise",
    )
    for cell in cells(response):
        assert not set(re.findall(r"[a-z]+(?:-[a-z]+)+|\b[a-z]+\b", cell)) & (CODES | WORDS), cell


def test_two_versions_alike_say_nothing_changed(client, community, member):
    published = services.publish_template(community=community)
    draft = services.start_draft(community=community, actor=None, from_version=published)
    client.login(username=member.username, password=PASSWORD)
    response = client.get(f"/en/communities/lakeside/pathway/compare/?from=1&to={draft.number}")
    assert response.context["steps"] == [] and response.context["pathway"] == []
    assert "Nothing changed: the two versions are the same." in response.content.decode()
