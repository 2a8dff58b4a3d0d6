"""A table follows the Ontario template: when the template changes, it sees what changed since the revision it
follows and takes each change it wants."""

from __future__ import annotations

import copy
import html
import json

import pytest

from carepath.pathways import documents, services
from carepath.pathways.models import Transition
from carepath.pathways.services import drafts
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OLD = "2026-01-15"


def old_template():
    """The template as it was: no parent peer support yet (added since), a step since removed, and another
    title for the assessment step."""
    document = copy.deepcopy(documents.template())
    document["steps"] = [s for s in document["steps"] if s["key"] != "caregiver-mental-health"]
    for step in document["steps"]:
        step["transitions"] = [t for t in step["transitions"] if t["to"] != "caregiver-mental-health"]
        if step["key"] == "assessment":
            step["title"] = {"en": "Assessment", "fr": "Évaluation"}
    retired = copy.deepcopy(next(s for s in document["steps"] if s["key"] == "family-support"))
    retired.update(key="parenting-hotline", title={"en": "Parenting hotline", "fr": "Ligne parentale"})
    document["steps"].append(retired)
    document["steps"][0]["transitions"].append(
        {"to": "parenting-hotline", "criteria": {"concerns_any": ["sleep"]}}
    )
    return document


@pytest.fixture
def following_old(community, tmp_path, monkeypatch):
    """A draft made from the old revision of the template, which Carepath keeps."""
    monkeypatch.setattr(documents, "REVISIONS", tmp_path)
    (tmp_path / documents.ONTARIO_TEMPLATE).mkdir()
    (tmp_path / documents.ONTARIO_TEMPLATE / f"{OLD}.json").write_text(
        json.dumps(old_template()), encoding="utf-8"
    )
    return services.import_document(community=community, document=old_template(), template_revision=OLD)


def url(draft, rest=""):
    return f"/en/communities/lakeside/pathway/versions/{draft.number}/edit/{rest}"


def test_the_draft_says_the_template_changed_and_the_page_lists_each_change(
    client, facilitator, following_old
):
    client.login(username=facilitator.username, password=PASSWORD)
    editor = html.unescape(client.get(url(following_old)).content.decode())
    assert f"The Ontario template changed since revision {OLD}, which this draft follows" in editor
    page = client.get(url(following_old, "template/"))
    assert page.status_code == 200
    changed = {s["key"]: s["change"] for s in page.context["steps"]}
    assert changed["caregiver-mental-health"] == "added"
    assert changed["parenting-hotline"] == "removed"
    assert changed["assessment"] == "changed"
    text = html.unescape(page.content.decode())
    assert "Take this change" in text and "Remove this step too" in text
    assert f"Done: follow revision {documents.TEMPLATE_REVISION}" in text


def test_taking_each_change_and_then_following_the_current_revision(client, facilitator, following_old):
    client.login(username=facilitator.username, password=PASSWORD)
    draft = following_old
    for key in ("caregiver-mental-health", "assessment", "parenting-hotline"):
        assert client.post(url(draft, "template/"), {"take": key}).status_code == 302
    keys = set(draft.steps.values_list("key", flat=True))
    assert "caregiver-mental-health" in keys and "parenting-hotline" not in keys
    assert draft.steps.get(key="assessment").title_en == "Mental health and developmental assessment"
    assert not Transition.objects.filter(step__version=draft, to_key="parenting-hotline").exists()
    assert client.post(url(draft, "template/"), {"follow": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.template_revision == documents.TEMPLATE_REVISION
    assert "nothing new to take" in client.get(url(draft, "template/")).content.decode()
    assert "The Ontario template changed" not in client.get(url(draft)).content.decode()


def test_a_step_the_table_changed_itself_is_flagged_before_it_is_replaced(client, facilitator, following_old):
    step = following_old.steps.get(key="assessment")
    drafts.save_step(
        version_id=following_old.pk,
        step_id=step.pk,
        data={"title_en": "Lakeside assessment clinic"},
        revision=step.revision,
        actor=None,
    )
    client.login(username=facilitator.username, password=PASSWORD)
    page = client.get(url(following_old, "template/"))
    flagged = {s["key"] for s in page.context["steps"] if s["local"]}
    assert flagged == {"assessment"}
    assert "Your table changed this step" in page.content.decode()


def test_a_revision_carepath_no_longer_keeps_is_said(client, facilitator, community):
    draft = services.import_document(
        community=community, document=documents.template(), template_revision="../x"
    )
    client.login(username=facilitator.username, password=PASSWORD)
    page = html.unescape(client.get(url(draft, "template/")).content.decode())
    assert "which Carepath no longer keeps" in page
    assert documents.template_at("../x") is None and documents.template_at("") is None
    assert documents.template_at(documents.TEMPLATE_REVISION) == documents.template()


def test_a_version_in_review_cannot_take_changes(client, facilitator, following_old):
    services.open_review(
        version=following_old,
        deadline="2030-01-01",
        message="",
        invitees=[{"name": "Ada", "role": "approver"}],
        actor=None,
    )
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(url(following_old, "template/"), {"take": "assessment"})
    assert response.status_code == 302
    assert following_old.steps.get(key="assessment").title_en == "Assessment"


def test_a_step_of_the_table_s_own_or_one_the_template_left_alone_cannot_be_taken(
    client, facilitator, following_old
):
    drafts.save_step(
        version_id=following_old.pk,
        step_id=None,
        data={
            "key": "peer-support",
            "stage": "through-care",
            "kind": "wait-support",
            "title_en": "Peer support",
        },
        revision=None,
        actor=None,
    )
    client.login(username=facilitator.username, password=PASSWORD)
    before = sorted(following_old.steps.values_list("key", flat=True))
    for key in ("peer-support", "intake-navigation", "../../etc"):  # the table's own; unchanged; nonsense
        refused = client.post(url(following_old, "template/"), {"take": key}, follow=True)
        assert "This step is not one the template changed" in html.unescape(refused.content.decode())
    assert sorted(following_old.steps.values_list("key", flat=True)) == before
