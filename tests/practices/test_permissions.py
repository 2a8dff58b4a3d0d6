"""Who sees what: the public only what is published (and approved), never restricted fields; submitters
their own organization's practices; reviewers only what they are assigned; editors everything."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from carepath.practices.models import CaseStudy, Practice
from carepath.practices.services import practices, surveys

from .test_workflow import approval_data

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def status(user, url: str) -> int:
    return client_for(user).get(url).status_code


def test_a_draft_is_seen_by_its_organization_and_editors_only(
    make_practice, lead, staff, stranger, editor, reviewers
):
    practice = make_practice("draft")
    url = practice.get_absolute_url()
    assert [status(u, url) for u in (None, stranger, reviewers[0], lead, staff, editor)] == [
        404,
        404,
        404,
        200,
        200,
        200,
    ]
    assert list(Practice.objects.of_user(stranger)) == []
    assert list(Practice.objects.of_user(staff)) == [practice]


def test_reviewers_see_only_the_practices_they_are_assigned(make_practice, editor, reviewers):
    assigned = make_practice("in-review", reviewers=reviewers[:1], editor=editor)
    other = make_practice("in-review", editor=editor, slug="other")
    assert status(reviewers[0], assigned.get_absolute_url()) == 200
    assert status(reviewers[0], other.get_absolute_url()) == 404
    assert status(reviewers[1], assigned.get_absolute_url()) == 404
    assert status(reviewers[0], f"/en/practices/{assigned.slug}/review/") == 200
    assert status(reviewers[1], f"/en/practices/{assigned.slug}/review/") == 403
    assert list(Practice.objects.of_user(reviewers[0])) == [assigned]


def test_only_editors_manage_decide_publish_and_edit_published_practices(
    make_practice, editor, reviewers, lead
):
    practice = make_practice("decided", reviewers=reviewers, editor=editor)
    for url in (
        f"/en/practices/{practice.slug}/manage/",
        f"/en/practices/{practice.slug}/manage/decide/",
        f"/en/practices/{practice.slug}/edit/",
    ):
        assert status(lead, url) == 403
        assert status(reviewers[0], url) == 403
        assert status(editor, url) == 200
    response = client_for(lead).post(f"/en/practices/{practice.slug}/manage/publish/")
    assert response.status_code == 403
    assert Practice.objects.get(pk=practice.pk).status == "decided"


def test_the_public_never_sees_restricted_fields_of_an_approved_indigenous_practice(
    make_practice, editor, reviewers, lead
):
    practice = make_practice(
        "decided",
        reviewers=reviewers,
        editor=editor,
        indigenous=True,
        indigenous_community="Northern Lights",
        contacts="Private: elder-line@example.org",
        outcomes_en="Secret outcome wording.",
    )
    practices.record_approval(
        actor=editor,
        subject=practice,
        data=approval_data(restricted_fields=["contacts", "outcomes", "evidence"]),
    )
    practices.publish(actor=editor, practice=practice)
    public = client_for().get(practice.get_absolute_url()).content.decode()
    assert "One door" in public
    for secret in ("elder-line@example.org", "Secret outcome wording.", "Evaluation 2025"):
        assert secret not in public
    assert (
        "elder-line@example.org"
        not in client_for().get(f"/fr/practices/{practice.slug}/print/").content.decode()
    )
    api = client_for().get(f"/api/v1/practices/{practice.slug}").json()
    assert (api["contacts"], api["outcomes"], api["evidence"]) == (None, None, None)
    assert all(
        c["evidence"] == [] for t in api["grading"]["tiers"] for r in t["requirements"] for c in r["criteria"]
    )
    assert "elder-line@example.org" in client_for(lead).get(practice.get_absolute_url()).content.decode()


def test_unapproved_indigenous_content_is_never_public_even_when_its_status_says_published(
    make_practice, editor, reviewers
):
    practice = make_practice(
        "decided", reviewers=reviewers, editor=editor, indigenous=True, indigenous_community="NL"
    )
    Practice.objects.filter(pk=practice.pk).update(status="published")  # as if someone forced it
    assert status(None, practice.get_absolute_url()) == 404
    assert client_for().get("/api/v1/practices/").json()["count"] == 0
    assert status(None, f"/api/v1/practices/{practice.slug}") == 404
    assert practice.name_en not in client_for().get("/en/practices/").content.decode()


def test_the_indigenous_case_study_stays_a_draft_until_approved(db, editor):
    call_command("load-registry", verbosity=0)
    chc, iphco = CaseStudy.objects.order_by("slug")
    assert (chc.status, iphco.status) == ("published", "draft")
    assert status(None, chc.get_absolute_url()) == 200
    assert status(None, iphco.get_absolute_url()) == 404
    assert [c["slug"] for c in client_for().get("/api/v1/case-studies/").json()["results"]] == [chc.slug]
    response = client_for(editor).post(f"/en/practices/case-studies/{iphco.slug}/publish/", follow=True)
    assert "approval of the text as it stands" in response.content.decode()
    assert CaseStudy.objects.get(pk=iphco.pk).status == "draft"
    client_for(editor).post(
        f"/en/practices/case-studies/{iphco.slug}/approval/",
        {
            **approval_data(),
            "approved_on": datetime.date(2026, 11, 2).isoformat(),
            "revision": CaseStudy.objects.get(pk=iphco.pk).revision,
        },
    )
    client_for(editor).post(f"/en/practices/case-studies/{iphco.slug}/publish/")
    assert status(None, iphco.get_absolute_url()) == 200


def test_surveys_are_seen_by_their_organization_and_the_consensus_recorded_by_its_lead(
    organization, lead, staff, stranger, editor, ipchs
):

    survey = surveys.start_survey(
        actor=lead, organization=organization, instrument=ipchs, title="2026", respondents=[lead, staff]
    )
    assert [status(u, f"/en/practices/surveys/{survey.pk}/") for u in (stranger, staff, lead, editor)] == [
        403,
        200,
        200,
        200,
    ]
    assert status(staff, f"/en/practices/surveys/{survey.pk}/consensus/") == 403
    assert status(lead, f"/en/practices/surveys/{survey.pk}/consensus/") == 200
    assert status(editor, f"/en/practices/surveys/{survey.pk}/answer/") == 404
    assert client_for().get(f"/en/practices/surveys/{survey.pk}/").status_code == 302
