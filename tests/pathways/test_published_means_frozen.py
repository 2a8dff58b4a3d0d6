"""Published means frozen (issue 10, item 3): every write to a version locks and reads it again, and refuses
unless it is still in the state the write needs; the views say so; the admin only shows pathways."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from carepath.models import AuditEntry
from carepath.pathways import services
from carepath.pathways.models import Comment, Invitation, PathwayVersion, Review, Step, Transition
from carepath.pathways.services import drafts
from tests.conftest import threads_database

from .conftest import publish_reviewed

NOT_A_DRAFT = (
    "This version is no longer a draft: it was sent for review or published while you were working. "
    "Nothing was changed; start a new draft to make changes."
)


URGENT = "The crisis line's number changed: families must see the new one today."


def _draft(community) -> PathwayVersion:
    published = services.publish_template(community=community)
    return services.start_draft(community=community, actor=None, from_version=published)


def _step_form(step: Step, **changes) -> dict:
    return {
        "key": step.key,
        "stage": step.stage,
        "kind": step.kind,
        "title_en": step.title_en,
        "title_fr": step.title_fr,
        "text_en": step.text_en,
        "text_fr": step.text_fr,
        "age_min": step.age_min,
        "age_max": step.age_max,
        "target_days": step.target_days or "",
        "service_types": step.service_types,
        "tiers": step.tiers,
        "concerns": step.concerns,
        "sectors": step.sectors,
        "revision": step.revision,
        "step_id": step.pk,
        **changes,
    }


def _edit_url(version: PathwayVersion, rest: str = "") -> str:
    return f"/en/communities/lakeside/pathway/versions/{version.number}/edit/{rest}"


@pytest.mark.django_db(transaction=True)
def test_published_means_frozen_an_edit_in_flight_while_the_version_is_published_waits_and_is_refused(
    community, facilitator, tmp_path
):
    """The reproduction: a step saved while the version was being published was written into the published
    version. Now the save waits for the publish to commit, reads the version again and is refused."""
    draft = _draft(community)
    step = Step.objects.get(version=draft, key="assessment")
    before = (step.title_en, step.revision)
    editor = Client()
    editor.force_login(facilitator)
    publishing = threading.Event()
    outcome: dict = {}
    with threads_database(tmp_path) as attach:

        def publish() -> None:
            attach()
            try:
                with transaction.atomic():
                    services.publish(
                        version=PathwayVersion.objects.get(pk=draft.pk),
                        actor=facilitator,
                        without_review=URGENT,
                    )
                    publishing.set()
                    time.sleep(0.6)  # published, not committed yet: the edit arrives now
            except Exception as error:  # reported by the assertion below
                outcome["publish"] = error
                publishing.set()
            finally:
                connection.close()

        def edit() -> None:
            attach()
            try:
                publishing.wait(10)
                outcome["started"] = time.monotonic()
                outcome["response"] = editor.post(
                    _edit_url(draft, "steps/assessment/"),
                    _step_form(step, title_en="Written after publishing"),
                )
                outcome["answered"] = time.monotonic()
            except Exception as error:
                outcome["edit"] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=publish), threading.Thread(target=edit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        attach()
        assert "publish" not in outcome and "edit" not in outcome, outcome
        response = outcome["response"]
        assert response.status_code == 409
        assert response.context["form"].non_field_errors() == [NOT_A_DRAFT]
        assert response.context["form"]["title_en"].value() == "Written after publishing"  # input kept
        assert outcome["answered"] - outcome["started"] >= 0.3  # it waited for the publish to commit
        assert PathwayVersion.objects.get(pk=draft.pk).status == "published"
        step.refresh_from_db()
        assert (step.title_en, step.revision) == before
        assert not AuditEntry.objects.filter(action="pathways.save_step").exists()


@pytest.fixture
def published(community) -> PathwayVersion:
    return publish_reviewed(_draft(community))


def _writes(version: PathwayVersion) -> dict:
    step = version.steps.get(key="assessment")
    transition = step.transitions.first()
    assert transition is not None
    return {
        "save a step": lambda: drafts.save_step(
            version_id=version.pk, step_id=step.pk, data={"title_en": "Changed"}, revision=None, actor=None
        ),
        "add a step": lambda: drafts.save_step(
            version_id=version.pk,
            step_id=None,
            data={"key": "new-step", "stage": "to-care", "kind": "touchpoint", "title_en": "New"},
            revision=None,
            actor=None,
        ),
        "move a step": lambda: drafts.move_step(
            version_id=version.pk, step_id=step.pk, direction=-1, actor=None
        ),
        "remove a step": lambda: drafts.remove_step(
            version_id=version.pk, step_id=step.pk, revision=None, actor=None
        ),
        "save a transition": lambda: drafts.save_transition(
            version_id=version.pk,
            step_id=step.pk,
            transition_id=transition.pk,
            data={"otherwise": True},
            revision=None,
            actor=None,
        ),
        "add a transition": lambda: drafts.save_transition(
            version_id=version.pk,
            step_id=step.pk,
            transition_id=None,
            data={"to_key": "intake-navigation", "otherwise": True},
            revision=None,
            actor=None,
        ),
        "remove a transition": lambda: drafts.remove_transition(
            version_id=version.pk, transition_id=transition.pk, revision=None, actor=None
        ),
    }


EDITS = [
    "save a step",
    "add a step",
    "move a step",
    "remove a step",
    "save a transition",
    "add a transition",
    "remove a transition",
]


def _state(version: PathwayVersion) -> tuple:
    return (
        list(Step.objects.filter(version=version).order_by("pk").values_list("key", "title_en", "position")),
        list(
            Transition.objects.filter(step__version=version)
            .order_by("pk")
            .values_list("step__key", "to_key", "otherwise")
        ),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("write", EDITS)
def test_published_means_frozen_every_edit_refuses_a_published_version(published, write):
    before = _state(published)
    with pytest.raises(services.NotEditableError) as refused:
        _writes(published)[write]()
    assert str(refused.value) == NOT_A_DRAFT
    assert _state(published) == before


@pytest.mark.django_db
@pytest.mark.parametrize("write", EDITS)
def test_published_means_frozen_every_edit_refuses_a_version_in_review(community, write):
    draft = _draft(community)
    services.open_review(
        version=draft,
        deadline=datetime.date(2099, 1, 1),
        message="",
        invitees=[{"name": "Ann", "role": "approver"}],
        actor=None,
    )
    before = _state(draft)
    with pytest.raises(services.NotEditableError) as refused:
        _writes(draft)[write]()
    assert str(refused.value) == NOT_A_DRAFT
    assert _state(draft) == before


@pytest.mark.django_db
def test_published_means_frozen_edits_read_the_version_again_rather_than_trust_the_one_they_were_given(
    community,
):
    draft = _draft(community)
    stale = PathwayVersion.objects.get(pk=draft.pk)
    publish_reviewed(draft)
    assert stale.status == "draft"  # what a view read before the publish
    with pytest.raises(services.NotEditableError):
        services.publish(version=stale, actor=None)
    with pytest.raises(services.NotEditableError) as refused:
        services.open_review(
            version=stale, deadline=datetime.date(2099, 1, 1), message="", invitees=[], actor=None
        )
    assert str(refused.value) == "Only a draft can be sent for review."
    assert Review.objects.filter(version=draft).count() == 1  # the one it was approved in


@pytest.mark.django_db
def test_published_means_frozen_comments_and_approvals_stop_when_the_version_is_published(community):
    draft = _draft(community)
    review = services.open_review(
        version=draft,
        deadline=datetime.date(2099, 1, 1),
        message="",
        invitees=[{"name": "Ann", "role": "approver"}, {"name": "Bo", "role": "approver"}],
        actor=None,
    )
    ann, bo = review.invitations.order_by("name")
    services.approve(invitation=ann, note="")
    services.approve(invitation=bo, note="")
    stale_review = Review.objects.get(pk=review.pk)  # read while the review was open
    stale_bo = Invitation.objects.get(pk=bo.pk)
    services.publish(version=draft, actor=None)
    with pytest.raises(services.NotEditableError) as refused:
        services.comment(
            review=stale_review, invitation=None, author="Ann", step_key="assessment", text="Late"
        )
    assert str(refused.value) == "This review is closed."
    with pytest.raises(services.NotEditableError):
        services.approve(invitation=stale_bo, note="Again")
    assert not Comment.objects.exists()
    assert Invitation.objects.get(pk=bo.pk).approval_note == ""


@pytest.mark.django_db
def test_published_means_frozen_the_editor_says_so_and_keeps_the_input(client, community, facilitator):
    draft = _draft(community)
    step = Step.objects.get(version=draft, key="assessment")
    transition = step.transitions.first()
    client.force_login(facilitator)
    assert client.get(_edit_url(draft, "steps/assessment/")).status_code == 200
    services.publish(version=draft, actor=facilitator, without_review=URGENT)  # while the page is open
    response = client.post(_edit_url(draft, "steps/assessment/"), _step_form(step, title_en="Too late"))
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [NOT_A_DRAFT]
    assert response.context["form"]["title_en"].value() == "Too late"
    response = client.post(
        _edit_url(draft, f"steps/assessment/transitions/{transition.pk}/"),
        {"to": transition.to_key, "otherwise": "on", "revision": transition.revision},
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [NOT_A_DRAFT]
    # The small edits through htmx send the page to the version, which says why.
    version_page = f"/en/communities/lakeside/pathway/versions/{draft.number}/"
    for rest in ("steps/assessment/move/", "steps/assessment/remove/"):
        response = client.post(_edit_url(draft, rest), {"direction": "up"}, HTTP_HX_REQUEST="true")
        assert (response.status_code, response["HX-Redirect"]) == (200, version_page)
        page = client.get(version_page)
        assert [str(m) for m in page.context["messages"]] == [NOT_A_DRAFT]
    response = client.post(
        _edit_url(draft, f"steps/assessment/transitions/{transition.pk}/remove/"), follow=True
    )
    assert response.redirect_chain[-1][0] == version_page
    assert [str(m) for m in response.context["messages"]] == [NOT_A_DRAFT]
    step.refresh_from_db()
    assert step.title_en != "Too late"
    assert Transition.objects.filter(pk=transition.pk).exists()


@pytest.mark.django_db
def test_published_means_frozen_publishing_twice_is_refused_with_a_message(client, community, facilitator):
    draft = publish_reviewed(_draft(community))
    client.force_login(facilitator)
    response = client.post(f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/", follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Only a draft or a version in review can be published."
    ]
    assert AuditEntry.objects.filter(action="pathways.publish", target_id=str(draft.pk)).count() == 1


@pytest.mark.django_db
def test_published_means_frozen_the_admin_shows_pathways_and_changes_nothing(client, published, admin_user):
    client.force_login(admin_user)
    step = published.steps.get(key="assessment")
    transition = step.transitions.first()
    draft = services.start_draft(community=published.pathway.community, actor=None, from_version=published)
    pages = [
        f"/en/admin/pathways/pathwayversion/{published.pk}/change/",
        f"/en/admin/pathways/pathwayversion/{draft.pk}/change/",
        f"/en/admin/pathways/step/{step.pk}/change/",
        f"/en/admin/pathways/pathway/{published.pathway_id}/change/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False
        assert client.post(page, {"title_en": "Changed in the admin"}).status_code == 403
    for model in ("pathway", "pathwayversion", "step", "review", "comment"):
        assert client.get(f"/en/admin/pathways/{model}/add/").status_code == 403
    assert client.post(f"/en/admin/pathways/step/{step.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/en/admin/pathways/transition/{transition.pk}/change/").status_code == 404
    step.refresh_from_db()
    assert step.title_en != "Changed in the admin"
    assert Step.objects.filter(pk=step.pk).exists()
