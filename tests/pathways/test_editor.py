"""The pathway editor: steps and transitions of a draft, problems as they appear, rights."""

from __future__ import annotations

import html
import re

import pytest

from carepath.accounts.services import set_membership
from carepath.pathways import documents, services
from carepath.pathways.models import Step, Transition
from carepath.pathways.services import drafts
from tests.conftest import PASSWORD
from tests.query_counts import assert_queries_do_not_grow, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(community):
    published = services.publish_template(community=community)
    return services.start_draft(community=community, actor=None, from_version=published)


def url(draft, rest=""):
    return f"/en/communities/lakeside/pathway/versions/{draft.number}/edit/{rest}"


STEP = {
    "key": "peer-support",
    "stage": "through-care",
    "kind": "wait-support",
    "title_en": "Peer support for parents",
    "title_fr": "Soutien par les pairs pour les parents",
    "text_en": "",
    "text_fr": "",
    "age_min": "0",
    "age_max": "83",
    "target_days": "14",
    "service_types": ["caregiver-capacity"],
    "tiers": ["prevention"],
}


def test_facilitator_adds_a_step_sees_the_problem_then_fixes_it(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(url(draft, "steps/add/"), STEP)
    assert response.status_code == 302
    page = client.get(url(draft))
    problems = [f["text"] for f in page.context["findings"]]
    assert any(
        "Step “Peer support for parents” (peer-support) cannot be reached from a way in" in text
        for text in problems
    )
    assert any("Step “Peer support for parents” (peer-support) is a dead end" in text for text in problems)
    # Lead to it from intake, and out of it to the everyday supports.
    client.post(
        url(draft, "steps/intake-navigation/transitions/add/"),
        {
            "to": "peer-support",
            "concerns_any": ["caregiver-wellbeing"],
            "urgency": ["routine"],
            "label_en": "Parents who want peers",
            "label_fr": "Parents qui veulent des pairs",
        },
    )
    client.post(
        url(draft, "steps/peer-support/transitions/add/"), {"to": "step-down-universal", "otherwise": "on"}
    )
    page = client.get(url(draft))
    assert [f for f in page.context["findings"] if f["severity"] == "error"] == []
    added = Transition.objects.get(step__version=draft, step__key="intake-navigation", to_key="peer-support")
    assert added.criteria == {"concerns_any": ["caregiver-wellbeing"], "urgency": ["routine"]}


def test_transition_criteria_are_checked_in_the_form(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(
        url(draft, "steps/assessment/transitions/add/"),
        {
            "to": "brief-service",
            "otherwise": "on",
            "age_min": "50",
            "age_max": "20",
            "screening_results": ["asq-3:monitor"],
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"__all__", "age_max", "screening_tool"}


def test_renaming_a_step_keeps_the_transitions_to_it(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    step = Step.objects.get(version=draft, key="brief-service")
    data = {
        **STEP,
        "key": "brief-services",
        "stage": step.stage,
        "kind": step.kind,
        "title_en": "Brief services",
        "title_fr": "Services brefs",
        "revision": step.revision,
        "step_id": step.pk,
    }
    assert client.post(url(draft, "steps/brief-service/"), data).status_code == 302
    assert not Transition.objects.filter(step__version=draft, to_key="brief-service").exists()
    assert Transition.objects.filter(step__version=draft, to_key="brief-services").count() == 4


def test_small_edits_go_through_htmx(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    keys = lambda: list(Step.objects.filter(version=draft, stage="to-care").values_list("key", flat=True))  # noqa: E731
    before = keys()
    response = client.post(
        url(draft, f"steps/{before[1]}/move/"), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "pathway-changed"
    assert response.content.lstrip().startswith(b'<div id="steps"')
    assert keys()[:2] == [before[1], before[0]]
    response = client.post(url(draft, "steps/earlyon-drop-in/remove/"), HTTP_HX_REQUEST="true")
    assert "earlyon-drop-in" not in keys()
    problems = client.get(url(draft, "problems/"), HTTP_HX_REQUEST="true")
    assert problems.content.lstrip().startswith(b'<section id="problems"')


def test_who_may_edit(client, draft, member, outsider, community):
    assert client.get(url(draft)).status_code == 302
    for user in (member, outsider):
        client.login(username=user.username, password=PASSWORD)
        assert client.get(url(draft)).status_code == 403
    set_membership(user=member, community=community, role="member")
    member.memberships.update(can_edit_pathway=True)
    client.login(username=member.username, password=PASSWORD)
    assert client.get(url(draft)).status_code == 200
    assert (
        client.post(f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/").status_code == 403
    )


def test_published_versions_cannot_be_edited(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    assert client.get("/en/communities/lakeside/pathway/versions/1/edit/").status_code == 404
    step = Step.objects.get(version__number=1, key="assessment")
    with pytest.raises(services.NotEditableError):
        drafts.remove_step(version_id=step.version_id, step_id=step.pk, revision=None, actor=None)


def add_step(draft, n: int) -> None:
    """Step n added to the draft (beside the template's), with a way out of it."""
    data = {**STEP, "key": f"extra-{n}", "title_en": f"Extra step {n}", "age_min": 0, "age_max": 83}
    data["target_days"] = 14
    step = drafts.save_step(version_id=draft.pk, step_id=None, data=data, revision=None, actor=None)
    drafts.save_transition(
        version_id=draft.pk,
        step_id=step.pk,
        transition_id=None,
        data={"to_key": "step-down-universal", "otherwise": True},
        revision=None,
        actor=None,
    )


@pytest.mark.parametrize("rest", ["", "problems/"])
def test_the_editor_takes_the_same_queries_for_one_added_step_or_three(client, draft, facilitator, rest):
    client.login(username=facilitator.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=lambda n: add_step(draft, n),
        fetch=page(client, url(draft, rest)),
        shown=lambda html: len(set(re.findall(r"extra-(\d)", html))),
    )


def test_a_refused_choice_in_a_group_of_check_boxes_is_shown_on_its_group(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(url(draft, "steps/add/"), {**STEP, "sectors": ["nowhere"]})
    assert response.status_code == 400
    html = response.content.decode()
    sectors = html.split("<legend>Sectors responsible", 1)[1].split("Save the step", 1)[0]  # the last group
    assert (
        'id="id_sectors_error"><li>Select a valid choice. nowhere is not one of the available choices.'
        in sectors
    )


def stage_order(draft, stage):
    return list(draft.steps.filter(stage=stage).order_by("position", "id").values_list("key", flat=True))


def test_a_new_step_goes_where_the_facilitator_asked_for_it(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    editor = client.get(url(draft)).content.decode()
    assert f'href="{url(draft, "steps/add/")}?after=assessment"' in editor
    assert f'href="{url(draft, "steps/add/")}?stage=out-of-care"' in editor
    form = client.get(url(draft, "steps/add/") + "?after=assessment")
    assert form.context["form"].instance.stage == "through-care"  # the stage of the step it follows
    assert (
        "The new step goes right after “Mental health and developmental assessment”" in form.content.decode()
    )
    before = stage_order(draft, "through-care")
    response = client.post(url(draft, "steps/add/"), {**STEP, "after": "assessment"})
    assert response.status_code == 302
    index = before.index("assessment")
    assert stage_order(draft, "through-care") == [*before[: index + 1], "peer-support", *before[index + 1 :]]
    # With no step to follow: the end of the stage asked for.
    form = client.get(url(draft, "steps/add/") + "?stage=out-of-care")
    assert form.context["form"].instance.stage == "out-of-care"
    client.post(url(draft, "steps/add/"), {**STEP, "key": "last-word", "stage": "out-of-care"})
    assert stage_order(draft, "out-of-care")[-1] == "last-word"


def test_move_to_position_within_the_stage(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    before = stage_order(draft, "through-care")
    moved = before[-1]
    response = client.post(url(draft, f"steps/{moved}/move/"), {"position": "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert stage_order(draft, "through-care") == [before[0], moved, *before[1:-1]]
    html = response.content.decode()
    assert (
        f'id="position-{moved}" name="position" type="number" inputmode="numeric" min="1" max="{len(before)}" value="2"'
        in html
    )
    # Past the end: last; not a number: refused with what to do, nothing moved.
    client.post(url(draft, f"steps/{moved}/move/"), {"position": "999"})
    assert stage_order(draft, "through-care")[-1] == moved
    refused = client.post(url(draft, f"steps/{moved}/move/"), {"position": "two"}, HTTP_HX_REQUEST="true")
    assert "Give the position as a number: 1 is first." in refused.content.decode()
    assert stage_order(draft, "through-care")[-1] == moved


def test_the_step_form_has_a_skip_link_to_its_transitions(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    html = client.get(url(draft, "steps/intake-navigation/")).content.decode()
    skip = html.index('href="#where-it-leads"')
    assert skip < html.index('name="key"')  # before the first field of the form
    assert '<h2 id="where-it-leads" tabindex="-1">' in html


def test_the_table_names_and_describes_its_own_pathway(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    assert draft.title_en == "Ontario early-years mental health pathway"  # no "(template)" for families
    assert draft.template_revision == documents.TEMPLATE_REVISION
    form = client.get(url(draft, "details/"))
    assert form.status_code == 200
    data = {
        "revision": form.context["form"]["revision"].value(),
        "title_en": "Lakeside early-years pathway",
        "title_fr": "Parcours de la petite enfance de Lakeside",
        "description_en": "How families in Lakeside find help for a young child.",
        "description_fr": "Comment les familles de Lakeside trouvent de l’aide pour un jeune enfant.",
    }
    assert client.post(url(draft, "details/"), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.title_fr) == (data["title_en"], data["title_fr"])
    assert draft.description_fr.startswith("Comment les familles")
    # A second save from the same (now old) page is refused, and keeps what was typed.
    stale = client.post(url(draft, "details/"), {**data, "title_en": "Another name"})
    assert stale.status_code == 409
    assert "Someone else changed the pathway's name or description" in html.unescape(stale.content.decode())
    assert 'value="Another name"' in stale.content.decode()
    # A name is required in both languages.
    blank = client.post(url(draft, "details/"), {**data, "revision": draft.revision, "title_fr": " "})
    assert blank.status_code == 400
    # A draft started from this one keeps the name, and the template revision it follows.
    following = services.start_draft(community=draft.pathway.community, actor=None, from_version=draft)
    assert following.title_en == "Lakeside early-years pathway"
    assert following.template_revision == documents.TEMPLATE_REVISION


def test_the_next_step_is_chosen_by_title_and_twins_by_their_key_too(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    twin = {**STEP, "title_en": "Care coordination", "title_fr": "Coordination des soins"}
    assert client.post(url(draft, "steps/add/"), twin).status_code == 302
    form = client.get(url(draft, "steps/intake-navigation/transitions/add/")).context["form"]
    labels = dict(form.fields["to"].choices)
    assert labels["assessment"] == "Mental health and developmental assessment"
    assert labels["care-coordination"] == "Care coordination (care-coordination)"
    assert labels["peer-support"] == "Care coordination (peer-support)"
