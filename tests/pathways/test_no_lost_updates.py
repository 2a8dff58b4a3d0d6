"""No lost updates in the pathway editor (issue 10, item 4): a step or a transition saved by someone else since
the form was opened is not overwritten; the form says who changed it and when, and keeps what was typed."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone, translation

from carepath.accounts.models import User
from carepath.accounts.services import set_membership
from carepath.concurrency import StaleEditError
from carepath.models import AuditEntry
from carepath.pathways.models import PathwayVersion, Step, Transition
from carepath.pathways.services import drafts
from tests.conftest import threads_database

from .test_published_means_frozen import _draft, _step_form

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 1, 19, 27, tzinfo=datetime.UTC)  # 14:27 in Toronto
STEP_CHANGED = (
    "Someone else changed this step since you opened it: Fay Facilitator, 1 December 2026 at 14:27. "
    "Your changes are below; check them and save again."
)


@pytest.fixture
def draft(community) -> PathwayVersion:
    return _draft(community)


@pytest.fixture
def fay(facilitator) -> User:
    User.objects.filter(pk=facilitator.pk).update(first_name="Fay", last_name="Facilitator")
    facilitator.refresh_from_db()
    return facilitator


@pytest.fixture
def colleague(community) -> User:
    user = User.objects.create_user(username="cy", first_name="Cy", last_name="Colleague")
    set_membership(user=user, community=community, role="facilitator")
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(version: PathwayVersion, rest: str = "") -> str:
    return f"/en/communities/lakeside/pathway/versions/{version.number}/edit/{rest}"


def _at_known_time(action: str) -> None:
    """The audit entry of the change just made, at a known moment, so the message can be read exactly."""
    latest = AuditEntry.objects.filter(action=action).order_by("-at", "-id").first()
    assert latest is not None
    AuditEntry.objects.filter(pk=latest.pk).update(at=AT)


def test_no_lost_updates_a_stale_save_of_a_step_is_refused_with_who_and_when_and_keeps_the_input(
    draft, fay, colleague
):
    opened = Step.objects.get(version=draft, key="assessment")
    form = _as(colleague).get(_url(draft, "steps/assessment/")).context["form"]
    assert form["revision"].value() == opened.revision == 0
    # Fay saves the step while Cy still has it open.
    assert (
        _as(fay)
        .post(_url(draft, "steps/assessment/"), _step_form(opened, title_en="Fay's title"))
        .status_code
        == 302
    )
    _at_known_time("pathways.save_step")
    cy = _as(colleague)
    response = cy.post(_url(draft, "steps/assessment/"), _step_form(opened, title_en="Cy's title"))
    assert response.status_code == 409
    form = response.context["form"]
    assert form.non_field_errors() == [STEP_CHANGED]
    assert STEP_CHANGED in response.content.decode()
    assert form["title_en"].value() == "Cy's title"  # what Cy typed is still there
    assert form["revision"].value() == "1"  # and the form now carries the step as it is
    step = Step.objects.get(pk=opened.pk)
    assert (step.title_en, step.revision) == ("Fay's title", 1)  # Fay's save stands
    # Cy checks and saves again: a fresh save passes.
    response = cy.post(_url(draft, "steps/assessment/"), _step_form(step, title_en="Cy's title"))
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title_en, step.revision) == ("Cy's title", 2)


def test_no_lost_updates_the_refusal_speaks_french(draft, fay, colleague):
    opened = Step.objects.get(version=draft, key="assessment")
    _as(fay).post(_url(draft, "steps/assessment/"), _step_form(opened, title_en="Fay's title"))
    _at_known_time("pathways.save_step")
    response = _as(colleague).post(
        _url(draft, "steps/assessment/").replace("/en/", "/fr/"), _step_form(opened, title_en="Cy")
    )
    assert response.status_code == 409
    with translation.override("fr"):
        assert response.context["form"].non_field_errors() == [
            "Quelqu'un d'autre a modifié cette étape depuis que vous l'avez ouverte\u00a0: Fay Facilitator, "
            "1er décembre 2026 à 14\u00a0h\u00a027. Vos modifications sont ci-dessous. Vérifiez-les et "
            "enregistrez de nouveau."
        ]


def test_no_lost_updates_a_step_renamed_meanwhile_is_found_and_the_save_refused(draft, fay, colleague):
    opened = Step.objects.get(version=draft, key="assessment")
    _as(fay).post(_url(draft, "steps/assessment/"), _step_form(opened, key="assessment-2"))
    _at_known_time("pathways.save_step")
    # Cy's form still posts to the old key: the step it was opened on is found by its id.
    response = _as(colleague).post(
        _url(draft, "steps/assessment/"), _step_form(opened, title_en="Cy's title")
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [STEP_CHANGED]
    step = Step.objects.get(pk=opened.pk)
    assert (step.key, step.title_en) == ("assessment-2", opened.title_en)


def test_no_lost_updates_a_step_removed_meanwhile_is_not_saved_and_the_input_is_kept(draft, fay, colleague):
    opened = Step.objects.get(version=draft, key="assessment")
    _as(fay).post(_url(draft, "steps/assessment/remove/"), {"revision": opened.revision})
    _at_known_time("pathways.remove_step")
    response = _as(colleague).post(
        _url(draft, "steps/assessment/"), _step_form(opened, title_en="Cy's title")
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else removed this step since you opened it: Fay Facilitator, 1 December 2026 at 14:27. "
        "Your changes are below, so that you can keep them."
    ]
    assert response.context["form"]["title_en"].value() == "Cy's title"
    assert not Step.objects.filter(version=draft, key="assessment").exists()
    # Saving it again adds it back as a new step.
    assert f'action="{_url(draft, "steps/add/")}"' in response.content.decode()


def test_no_lost_updates_a_stale_save_of_a_transition_is_refused_with_who_and_when(draft, fay, colleague):
    transition = Transition.objects.filter(step__version=draft, step__key="assessment").order_by("pk").first()
    assert transition is not None
    url = _url(draft, f"steps/assessment/transitions/{transition.pk}/")
    before = _as(colleague).get(url).context["form"]
    assert before["revision"].value() == 0
    posted = {"to": transition.to_key, "label_en": "Cy's label", "revision": 0}
    assert _as(fay).post(url, {"to": transition.to_key, "otherwise": "on", "revision": 0}).status_code == 302
    _at_known_time("pathways.save_transition")
    response = _as(colleague).post(url, posted)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this transition since you opened it: Fay Facilitator, 1 December 2026 at "
        "14:27. Your changes are below; check them and save again."
    ]
    assert response.context["form"]["label_en"].value() == "Cy's label"
    transition.refresh_from_db()
    assert (transition.otherwise, transition.label_en, transition.revision) == (True, "", 1)
    assert _as(colleague).post(url, {**posted, "revision": 1}).status_code == 302
    transition.refresh_from_db()
    assert (transition.otherwise, transition.label_en, transition.revision) == (False, "Cy's label", 2)


def test_no_lost_updates_removing_a_step_changed_meanwhile_is_refused_in_the_htmx_list(draft, fay, colleague):
    opened = Step.objects.get(version=draft, key="assessment")
    _as(fay).post(_url(draft, "steps/assessment/"), _step_form(opened, title_en="Fay's title"))
    _at_known_time("pathways.save_step")
    response = _as(colleague).post(
        _url(draft, "steps/assessment/remove/"), {"revision": opened.revision}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["refusal"] == (
        "Someone else changed this step since you opened it: Fay Facilitator, 1 December 2026 at 14:27. "
        "The draft below is as it is now; check it and try again."
    )
    assert response.content.lstrip().startswith(b'<div id="steps"')
    assert b"Fay&#x27;s title" in response.content
    assert Step.objects.filter(pk=opened.pk).exists()
    # A step renamed away since the list was shown: said, not a silent 404.
    response = _as(colleague).post(
        _url(draft, "steps/gone/move/"), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["refusal"].startswith(
        "This step was renamed or removed since the page was shown."
    )


def test_no_lost_updates_removing_a_transition_changed_meanwhile_is_refused(draft, fay, colleague):
    transition = Transition.objects.filter(step__version=draft, step__key="assessment").order_by("pk").first()
    url = _url(draft, f"steps/assessment/transitions/{transition.pk}/")
    _as(fay).post(url, {"to": transition.to_key, "otherwise": "on", "revision": 0})
    _at_known_time("pathways.save_transition")
    response = _as(colleague).post(f"{url}remove/", {"revision": 0}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Someone else changed this transition since you opened it: Fay Facilitator, 1 December 2026 at "
        "14:27. The draft below is as it is now; check it and try again."
    ]
    assert Transition.objects.filter(pk=transition.pk).exists()


def test_no_lost_updates_a_form_without_its_revision_asks_to_check_and_save_again(draft, fay):
    step = Step.objects.get(version=draft, key="assessment")
    data = _step_form(step, title_en="No revision")
    del data["revision"]
    client = _as(fay)
    response = client.post(_url(draft, "steps/assessment/"), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This form does not say which version of the record it was opened at. Your changes are below; "
        "check them against the record and save again."
    ]
    assert response.context["form"]["revision"].value() == "0"
    step.refresh_from_db()
    assert step.title_en != "No revision"


def test_no_lost_updates_services_check_the_revision_under_the_lock(draft, fay):
    step = Step.objects.get(version=draft, key="assessment")
    drafts.save_step(version_id=draft.pk, step_id=step.pk, data={"title_en": "One"}, revision=0, actor=fay)
    with pytest.raises(StaleEditError) as stale:
        drafts.save_step(
            version_id=draft.pk, step_id=step.pk, data={"title_en": "Two"}, revision=0, actor=fay
        )
    assert (stale.value.who, stale.value.revision, stale.value.removed) == ("Fay Facilitator", 1, False)
    assert timezone.now() - stale.value.when < datetime.timedelta(minutes=1)
    entry = AuditEntry.objects.get(action="pathways.save_step")
    assert (entry.target_type, entry.target_id, entry.data["revision"]) == ("pathways.step", str(step.pk), 1)
    assert Step.objects.get(pk=step.pk).title_en == "One"
    # Without a revision (a command, an import) the latest is written over.
    drafts.save_step(
        version_id=draft.pk, step_id=step.pk, data={"title_en": "Three"}, revision=None, actor=None
    )
    assert Step.objects.get(pk=step.pk).revision == 2


@pytest.mark.django_db(transaction=True)
def test_no_lost_updates_two_saves_of_the_same_step_at_the_same_time_one_is_refused(
    community, fay, colleague, tmp_path
):
    """Both read the step at revision 0; the second to write waits for the first, then sees revision 1."""
    draft = _draft(community)
    step = Step.objects.get(version=draft, key="assessment")
    first_written = threading.Event()
    outcome: dict = {}
    with threads_database(tmp_path) as attach:

        def first() -> None:
            attach()
            try:
                with transaction.atomic():
                    drafts.save_step(
                        version_id=draft.pk,
                        step_id=step.pk,
                        data={"title_en": "Fay's"},
                        revision=0,
                        actor=fay,
                    )
                    first_written.set()
                    time.sleep(0.5)  # written, not committed yet: the second save arrives now
            except Exception as error:
                outcome["first"] = error
                first_written.set()
            finally:
                connection.close()

        def second() -> None:
            attach()
            try:
                first_written.wait(10)
                drafts.save_step(
                    version_id=draft.pk,
                    step_id=step.pk,
                    data={"title_en": "Cy's"},
                    revision=0,
                    actor=colleague,
                )
            except StaleEditError as refused:
                outcome["refused"] = refused
            except Exception as error:
                outcome["second"] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        attach()
        assert set(outcome) == {"refused"}, outcome
        assert (outcome["refused"].who, outcome["refused"].revision) == ("Fay Facilitator", 1)
        saved = Step.objects.get(pk=step.pk)
        assert (saved.title_en, saved.revision) == ("Fay's", 1)
