"""Registry pages: search and filters, practice pages and print, grading, the working group's page, and the
workflow pages (describe, evidence, submit, manage, review, decide, questions, history)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carepath.practices import rubric
from carepath.practices.models import Practice, RegistryPage

from .conftest import criteria

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_registry_filters_by_every_facet(make_practice, editor, reviewers):
    make_practice("published", reviewers=reviewers, editor=editor)
    make_practice(
        "published",
        reviewers=reviewers,
        editor=editor,
        slug="circles",
        name_fr="Cercles de mieux-être",
        name_en="Wellness circles",
        settings=["remote"],
        dimensions=["cultural-safety"],
        jurisdictions=["NU"],
        approaches=["1.2"],
        ratings="partly",
    )
    Practice.objects.filter(slug="circles").update(tier="promising")
    client = Client()

    def names(query: str) -> list[str]:
        page = client.get(f"/en/practices/?{query}").content.decode()
        return [n for n in ("One door", "Wellness circles") if f">{n}</a>" in page]

    assert names("") == ["One door", "Wellness circles"]
    assert names("q=circles") == ["Wellness circles"]
    assert names("q=Guichet") == ["One door"]
    assert names("dimension=equity") == ["One door"]
    assert names("setting=remote") == ["Wellness circles"]
    assert names("jurisdiction=NU") == ["Wellness circles"]
    assert names("tier=best") == ["One door"]
    assert names("strategy=4") == ["One door"]
    assert names("strategy=1&setting=remote") == ["Wellness circles"]
    assert names("population=inuit") == []
    page = client.get("/en/practices/?tier=legendary").content.decode()
    assert "Some filters could not be used" in page


def test_the_registry_list_costs_the_same_queries_for_one_practice_as_for_three(
    make_practice, editor, reviewers
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/en/practices/").status_code == 200
        return len(queries)

    make_practice("published", reviewers=reviewers, editor=editor)
    one = count()
    for n in (2, 3):
        make_practice("published", reviewers=reviewers, editor=editor, slug=f"p{n}")
    assert count() == one


def test_a_published_practice_shows_why_it_earned_its_tier_in_both_languages(
    make_practice, editor, reviewers
):
    practice = make_practice("published", reviewers=reviewers, editor=editor, ratings="met")
    page = Client().get(practice.get_absolute_url()).content.decode()
    assert "The working group graded it a <strong>Best practice</strong>." in page
    assert "Strong evaluation." in page
    assert page.count("Evaluation 2025") >= 2  # listed as evidence and under the criteria it supports
    non_indigenous = sum(1 for t in rubric.load().tiers for r in t.requirements if r.applies == "all")
    assert page.count("<li>Evaluation 2025</li>") == non_indigenous  # once per requirement, not per criterion
    page = Client().get(f"/fr/practices/{practice.slug}/").content.decode()
    assert "Guichet unique" in page and "Évaluation solide." in page
    printed = Client().get(f"/fr/practices/{practice.slug}/print/").content.decode()
    assert '<button class="button" type="button" data-print>' in printed and "Guichet unique" in printed


def test_grading_and_working_group_pages_and_only_editors_edit_the_page(editor, lead):
    assert "Aboriginal Ways Tried and True" in Client().get("/en/practices/grading/").content.decode()
    assert login(lead).get("/en/practices/working-group/edit/").status_code == 403
    response = login(editor).post(
        "/fr/practices/working-group/edit/",
        {
            "purpose_en": "Find practices.",
            "purpose_fr": "Trouver des pratiques.",
            "partners_en": "- CHCs\n- IPHCOs",
            "contact": "wg@example.org",
            "revision": 0,  # the page has never been saved
        },
    )
    assert response.status_code == 302
    assert RegistryPage.objects.get().purpose_fr == "Trouver des pratiques."
    page = Client().get("/en/practices/working-group/").content.decode()
    assert "<ul><li>CHCs</li><li>IPHCOs</li></ul>" in page and "mailto:wg@example.org" in page


def test_a_member_describes_a_practice_adds_evidence_and_submits_it(organization, lead, ipchs):
    client = login(lead)
    form = {
        "name_en": "Family hub",
        "name_fr": "Carrefour familial",
        "summary_en": "One place.",
        "summary_fr": "Un seul lieu.",
        "organizations": [organization.pk],
        "jurisdictions": ["ON"],
        "dimensions": ["equity"],
        "approaches": ["4.1", "9.9"],
    }
    response = client.post("/en/practices/new/", form)
    assert "Select a valid choice. 9.9 is not one of the available choices." in response.content.decode()
    response = client.post("/en/practices/new/", {**form, "approaches": ["4.1"]})
    practice = Practice.objects.get(slug="family-hub")
    assert response.url == f"/en/practices/{practice.slug}/evidence/"
    response = client.post(f"/en/practices/{practice.slug}/submit/", follow=True)
    assert "Before submitting, add:" in response.content.decode()
    response = client.post(
        f"/en/practices/{practice.slug}/evidence/",
        {"kind": "evaluation", "title": "Report", "url": "example.org/r", "date": "2999-01-01"},
    )
    assert "The date cannot be in the future." in response.content.decode()
    client.post(
        f"/en/practices/{practice.slug}/evidence/",
        {"kind": "evaluation", "title": "Report", "url": "https://example.org/r"},
    )
    client.post(
        f"/en/practices/{practice.slug}/edit/",
        {
            **form,
            "approaches": ["4.1"],
            "core_components_en": "A",
            "core_components_fr": "A",
            "outcomes_en": "B",
            "outcomes_fr": "B",
            "revision": Practice.objects.get(pk=practice.pk).revision,
        },
    )
    client.post(f"/en/practices/{practice.slug}/submit/")
    practice.refresh_from_db()
    assert (
        practice.status == "submitted"
        and practice.approaches == ["4.1"]
        and practice.tags == " dimension:equity jurisdiction:ON strategy:4 "
    )
    assert client.get(f"/en/practices/{practice.slug}/edit/").status_code == 403  # no longer a draft


def test_an_indigenous_practice_must_name_who_approves(organization, lead):
    response = login(lead).post(
        "/en/practices/new/",
        {
            "name_en": "Circles",
            "summary_en": "S",
            "organizations": [organization.pk],
            "jurisdictions": ["ON"],
            "dimensions": ["indigenous-health"],
            "indigenous": "on",
        },
    )
    assert "Name the community or organization whose approval publishing needs." in response.content.decode()


def test_editor_reviewers_and_submitters_take_a_practice_through_review_in_the_pages(
    make_practice, editor, reviewers, lead
):
    practice = make_practice("submitted")
    boss = login(editor)
    base = f"/en/practices/{practice.slug}/manage/"
    boss.post(base + "start-screening/")
    boss.post(base + "accept/")
    for reviewer in reviewers:
        boss.post(base + "assign/", {"reviewer": reviewer.pk})
    assert sorted(practice.assignments.values_list("reviewer__username", flat=True)) == ["raj", "rita"]
    assert "Choose a reviewer" in boss.post(base + "assign/", {"reviewer": 999}, follow=True).content.decode()

    first = login(reviewers[0])
    review = f"/en/practices/{practice.slug}/review/"
    assert "Declare your interests" in first.get(review).content.decode()
    first.post(review, {"form": "interests", "has_conflict": "no"})
    first.post(
        f"/en/practices/{practice.slug}/questions/", {"text": "Who funds the navigator?", "back": "review"}
    )
    login(lead).post(
        f"/en/practices/{practice.slug}/questions/{practice.questions.get().pk}/answer/",
        {"text": "The centre's base budget."},
    )
    assert "The centre&#x27;s base budget." in first.get(review).content.decode()
    evidence = practice.evidence.get()
    ratings = {f"r-{c}": "met" for c in criteria(practice)}
    response = first.post(
        review,
        {"form": "ratings", "finish": "1", **{k: v for k, v in ratings.items() if "population" not in k}},
    )
    assert "Rate every criterion before finishing; 1 left." in response.content.decode()
    first.post(
        review,
        {
            "form": "ratings",
            "finish": "1",
            **ratings,
            "c-cbpp-evidence": "Solid.",
            "e-cbpp-evidence": [evidence.pk],
        },
    )
    second = login(reviewers[1])
    second.post(review, {"form": "interests", "has_conflict": "no"})
    second.post(review, {"form": "ratings", "finish": "1", **ratings, "r-lp-spread": "partly"})

    page = boss.get(base + "decide/").content.decode()
    assert "Reviewers differ" in page and "Solid." in page
    agreed = {f"a-{c}": "met" for c in criteria(practice)}
    response = boss.post(
        base + "decide/", {**agreed, "a-lp-spread": "partly", "rationale_en": "Good.", "rationale_fr": ""}
    )
    assert "This field is required." in response.content.decode()
    boss.post(
        base + "decide/",
        {**agreed, "a-lp-spread": "partly", "rationale_en": "Good.", "rationale_fr": "Bonne."},
    )
    boss.post(base + "publish/")
    practice.refresh_from_db()
    assert (practice.status, practice.tier) == ("published", "good")
    assert practice.decisions.get().ratings["cbpp-evidence"] == {"rating": "met", "evidence": [evidence.pk]}
    history = login(lead).get(f"/en/practices/{practice.slug}/history/").content.decode()
    for label in ("Submitted", "Reviewer assigned", "Question answered", "Decision recorded", "Published"):
        assert label in history
    assert boss.post(base + "nonsense/").status_code == 404


def test_site_administrators_manage_organizations_and_read_the_rest(admin_user, make_practice, organization):
    make_practice("draft")
    client = login(admin_user)
    for model in ("organization", "practice", "decision", "approval", "survey", "instrument", "casestudy"):
        assert client.get(f"/en/admin/practices/{model}/").status_code == 200
    assert client.get(f"/en/admin/practices/organization/{organization.pk}/change/").status_code == 200
    assert client.get("/en/admin/practices/practice/add/").status_code == 403


def test_every_workflow_page_speaks_french(make_practice, editor, reviewers, lead, ipchs, organization):
    from carepath.practices.services import surveys

    practice = make_practice("in-review", reviewers=reviewers, editor=editor)
    survey = surveys.start_survey(
        actor=lead, organization=organization, instrument=ipchs, title="2026", respondents=[lead]
    )
    surveys.save_answers(
        actor=lead,
        response=survey.responses.get(),
        given=dict.fromkeys(ipchs.layout.questions, (2, False, "")),
        submit=True,
    )
    pages = [
        (lead, f"/fr/practices/surveys/{survey.pk}/answer/", "Mes réponses : 2026"),
        (lead, f"/fr/practices/surveys/{survey.pk}/consensus/", "Consensus : 2026"),
        (lead, "/fr/practices/new/", "Décrire une pratique"),
        (reviewers[0], f"/fr/practices/{practice.slug}/review/", "Déclarer vos intérêts"),
        (editor, f"/fr/practices/{practice.slug}/manage/", "Étape suivante"),
        (editor, "/fr/practices/mine/", "Mon travail dans le registre"),
    ]
    for user, url, french in pages:
        page = login(user).get(url).content.decode()
        assert french in page, url
        assert 'lang="fr"' in page
