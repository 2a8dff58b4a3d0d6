"""Registry pages: search and filters, practice pages and print, grading, the working group's page, and the
workflow pages (describe, evidence, submit, manage, review, decide, questions, history)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from carepath.practices import rubric
from carepath.practices.models import Practice, RegistryPage
from carepath.practices.services import content, practices, reviews, surveys
from tests.query_counts import assert_queries_do_not_grow, page

from .conftest import a_case_study, a_reviewer, criteria

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
    assert_queries_do_not_grow(
        add=lambda n: make_practice(
            "published", reviewers=reviewers, editor=editor, slug=f"p{n}", name_en=f"Practice {n}"
        ),
        fetch=page(Client(), "/en/practices/"),
        shown=lambda html: len(re.findall(r'<h2><a href="/en/practices/p\d/">Practice \d</a></h2>', html)),
    )


def test_a_published_practice_shows_why_it_earned_its_tier_in_both_languages(
    make_practice, editor, reviewers
):
    practice = make_practice("published", reviewers=reviewers, editor=editor, ratings="met")
    page = Client().get(practice.get_absolute_url()).content.decode()
    assert "The working group graded it a <strong>Best practice</strong>." in page
    assert "Strong evaluation." in page
    non_indigenous = sum(1 for t in rubric.load().tiers for r in t.requirements if r.applies == "all")
    assert page.count("<li>Evaluation 2025</li>") == non_indigenous  # once per requirement, not per criterion
    assert page.count("Evaluation 2025") == 1 + non_indigenous  # and once in the list of evidence
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


# Every list of the registry's pages takes as many queries for three items as for one.


def section(html: str, heading: str) -> str:
    """The part of the page from a heading (or a table's caption) to the end of its list or table."""
    rest = html.split(heading, 1)[1]
    return (
        rest.split("</ul>", 1)[0]
        if rest.find("</ul>") < rest.find("</table>") or "</table>" not in rest
        else rest.split("</table>", 1)[0]
    )


def test_my_registry_work_takes_the_same_queries_for_one_practice_and_survey_or_three(
    make_practice, organization, lead, ipchs
):
    def add(n: int) -> None:
        make_practice("draft", slug=f"p{n}", name_en=f"Practice {n}")
        surveys.start_survey(
            actor=lead, organization=organization, instrument=ipchs, title=f"Survey {n}", respondents=[lead]
        )

    assert_queries_do_not_grow(
        add=add,
        fetch=page(login(lead), "/en/practices/mine/"),
        shown=lambda html: (
            section(html, "My organizations' practices</h2>").count("<li>"),
            section(html, "Alignment surveys</h2>").count("<li>"),
            html.count("are waited for."),
        ),
    )


def test_my_registry_work_takes_the_same_queries_for_one_review_or_three(make_practice, editor):
    reviewer = a_reviewer(1)
    assert_queries_do_not_grow(
        add=lambda n: make_practice("in-review", reviewers=[reviewer], editor=editor, slug=f"p{n}"),
        fetch=page(login(reviewer), "/en/practices/mine/"),
        shown=lambda html: section(html, "Practices I review</h2>").count("<li>"),
    )


def test_my_registry_work_takes_the_same_queries_for_one_submission_and_case_study_or_three(
    make_practice, editor
):
    def add(n: int) -> None:
        make_practice("submitted", slug=f"p{n}", name_en=f"Practice {n}")
        a_case_study(n)

    assert_queries_do_not_grow(
        add=add,
        fetch=page(login(editor), "/en/practices/mine/"),
        shown=lambda html: (
            section(html, "Practices in the workflow</caption>").count('<tr><th scope="row">'),
            section(html, "Case studies</h2>").count("<li>"),
        ),
    )


def test_the_manage_page_takes_the_same_queries_for_one_reviewer_or_three(make_practice, editor):
    practice = make_practice("in-review", editor=editor)
    assert_queries_do_not_grow(
        add=lambda n: reviews.assign_reviewer(actor=editor, practice=practice, reviewer=a_reviewer(n)),
        fetch=page(login(editor), f"/en/practices/{practice.slug}/manage/"),
        shown=lambda html: section(html, "Reviewers</caption>").count('<tr><th scope="row">'),
    )


def test_the_history_takes_the_same_queries_for_one_change_or_three(make_practice, editor, reviewers, lead):
    practice = make_practice("in-review", reviewers=reviewers, editor=editor)
    assert_queries_do_not_grow(
        add=lambda n: reviews.ask(actor=reviewers[n % 2], practice=practice, text=f"Question {n}?"),
        fetch=page(login(lead), f"/en/practices/{practice.slug}/history/"),
        shown=lambda html: html.count("<td>Question asked</td>"),
    )


def test_the_evidence_page_takes_the_same_queries_for_one_item_or_three(make_practice, lead):
    practice = make_practice("draft")  # with its first evidence item

    def add(n: int) -> None:
        if n > 1:
            practices.add_evidence(
                actor=lead, practice=practice, data={"kind": "report", "title": f"Report {n}"}
            )

    assert_queries_do_not_grow(
        add=add,
        fetch=page(login(lead), f"/en/practices/{practice.slug}/evidence/"),
        shown=lambda html: section(html, '<ul class="evidence">').count("<li>"),
    )


def test_the_review_page_takes_the_same_queries_for_one_question_and_evidence_item_or_three(
    make_practice, editor, reviewers, lead
):
    practice = make_practice(
        "in-review", reviewers=reviewers[:1], editor=editor
    )  # with its first evidence item
    reviews.declare_interests(
        actor=reviewers[0], assignment=practice.assignments.get(), has_conflict=False, note=""
    )

    def add(n: int) -> None:
        reviews.ask(actor=reviewers[0], practice=practice, text=f"Question {n}?")
        if n > 1:
            practices.add_evidence(
                actor=lead, practice=practice, data={"kind": "report", "title": f"Report {n}"}
            )

    titles = ("Evaluation 2025", "Report 2", "Report 3")
    assert_queries_do_not_grow(
        add=add,
        fetch=page(login(reviewers[0]), f"/en/practices/{practice.slug}/review/"),
        shown=lambda html: (html.count("<strong>Question:</strong>"), sum(t in html for t in titles)),
    )


def test_the_decision_page_takes_the_same_queries_for_one_finished_review_or_three(make_practice, editor):
    practice = make_practice("in-review", editor=editor)

    def add(n: int) -> None:
        assignment = reviews.assign_reviewer(actor=editor, practice=practice, reviewer=a_reviewer(n))
        reviews.declare_interests(
            actor=assignment.reviewer, assignment=assignment, has_conflict=False, note=""
        )
        ratings = {c: ("met", f"Seen by {n}.", list(practice.evidence.all())) for c in criteria(practice)}
        reviews.rate(actor=assignment.reviewer, assignment=assignment, ratings=ratings, finish=True)

    assert_queries_do_not_grow(
        add=add,
        fetch=page(login(editor), f"/en/practices/{practice.slug}/manage/decide/"),
        shown=lambda html: len(set(re.findall(r"Reviewer (\d): <strong>Met</strong>", html))),
    )


def test_the_instruments_page_takes_the_same_queries_for_one_instrument_or_three(editor, ipchs):
    def add(n: int) -> None:
        if n > 1:  # the first is IPCHS, shipped with Carepath
            surveys.load_instrument(actor=editor, document={**ipchs.document, "version": n})

    assert_queries_do_not_grow(
        add=add,
        fetch=page(login(editor), "/en/practices/instruments/"),
        shown=lambda html: section(html, "Survey instruments</caption>").count('<tr><th scope="row">'),
    )


def test_a_case_study_page_takes_the_same_queries_for_one_practice_section_and_source_or_three(
    make_practice, editor, reviewers
):
    def add(n: int) -> None:
        make_practice("published", reviewers=reviewers, editor=editor, slug=f"p{n}", name_en=f"Practice {n}")
        case = a_case_study(1, sections=n, sources=n)
        case.practices.set(Practice.objects.filter(slug__in=[f"p{i}" for i in range(1, n + 1)]))
        content.publish_case_study(actor=editor, case=case)

    assert_queries_do_not_grow(
        add=add,
        fetch=page(Client(), "/en/practices/case-studies/case-1/"),
        shown=lambda html: (
            len(set(re.findall(r">Practice (\d)</a>", html))),
            len(re.findall(r"<h2[^>]*>Part \d</h2>", html)),
            html.count("Source "),
        ),
    )


def test_a_practice_page_takes_the_same_queries_for_one_evidence_item_and_case_study_or_three(
    make_practice, editor, reviewers, lead
):
    practice = make_practice("published", reviewers=reviewers, editor=editor)  # with its first evidence item

    def add(n: int) -> None:
        if n > 1:
            practices.add_evidence(
                actor=lead, practice=practice, data={"kind": "report", "title": f"Report {n}"}
            )
        case = a_case_study(n)
        case.practices.add(practice)
        content.publish_case_study(actor=editor, case=case)

    assert_queries_do_not_grow(
        add=add,
        fetch=page(Client(), f"/en/practices/{practice.slug}/"),
        shown=lambda html: (
            section(html, '<ul class="evidence">').count("<li>"),
            section(html, "Case studies</h2>").count("<li>"),
        ),
    )
