"""The practice registry in the browser, step by step: two respondents answer the alignment survey and agree a
consensus; an editor screens a practice and assigns reviewers; reviewers declare interests and grade it; the
editor records the decision and the community's approval and publishes; a visitor finds it in French.

Each step starts from the demo registry brought, through the services, to where the step before leaves it, so a
failure names its step."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from carepath.accounts.models import User
from carepath.practices import rubric
from carepath.practices.models import Practice, Survey
from carepath.practices.services import practices, reviews, surveys
from tests.e2e.conftest import check_accessibility, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "carepath-demo"  # the registry demo's accounts
PRACTICE = "land-based-family-wellness-circles"
SHARING_CIRCLES = "Community knowledge gathered in sharing circles (demonstration)"
RATIONALE = {
    "en": "Rooted in the community, with Indigenous knowledge of its effect.",
    "fr": "Ancrée dans la communauté, avec un savoir autochtone sur ses effets.",
}


# The states each step starts from, made as the pages would make them.


def person(username: str):
    return User.objects.get(username=username)


def demo_registry():
    call_command("load-registry", "--demo", "--with-users", verbosity=0)


def open_survey():
    demo_registry()
    return Survey.objects.get(organization__slug="lakeview-chc", title="Self-assessment 2026")


def answered_survey():
    """The respondent's answers all at 3, the lead's at 4 but for 1.1.1 at 1: both submitted."""

    survey = open_survey()
    for username, level_of in (("respondent", lambda q: 3), ("lead", lambda q: 1 if q == "1.1.1" else 4)):
        given = {q: (level_of(q), False, "") for q in survey.instrument.layout.questions}
        response = survey.responses.get(respondent__username=username)
        surveys.save_answers(actor=person(username), response=response, given=given, submit=True)
    return survey


def practice_in_review():
    """The submitted practice screened and sent to review, with reviewer1 and reviewer2 assigned."""

    demo_registry()
    practice, editor = Practice.objects.get(slug=PRACTICE), person("editor")
    practices.start_screening(actor=editor, practice=practice)
    practices.screen(actor=editor, practice=practice, accept=True, note="")
    for username in ("reviewer1", "reviewer2"):
        reviews.assign_reviewer(actor=editor, practice=practice, reviewer=person(username))
    return practice


def practice_reviewed():
    """Both reviewers declared no conflict and rated every criterion met, the first on the sharing circles."""

    practice = practice_in_review()
    circles = list(practice.evidence.filter(title=SHARING_CIRCLES))
    criteria = [c.code for c in rubric.load().criteria(practice.indigenous)]
    for assignment in practice.assignments.select_related("reviewer"):
        reviews.declare_interests(
            actor=assignment.reviewer, assignment=assignment, has_conflict=False, note=""
        )
        ratings = {code: ("met", "", circles if i == 0 else []) for i, code in enumerate(criteria)}
        reviews.rate(actor=assignment.reviewer, assignment=assignment, ratings=ratings, finish=True)
    return practice


def practice_published():
    """The decision recorded (best, with its rationale), the community's approval, and publication."""

    practice, editor = practice_reviewed(), person("editor")
    agreed = {c.code: "met" for c in rubric.load().criteria(practice.indigenous)}
    reviews.decide(
        actor=editor,
        practice=practice,
        agreed=agreed,
        rationale_en=RATIONALE["en"],
        rationale_fr=RATIONALE["fr"],
    )
    practice.refresh_from_db()
    practices.record_approval(
        actor=editor,
        subject=practice,
        data={
            "community": practice.indigenous_community,
            "approver_name": "Dana Whitecloud",
            "approver_role": "Executive Director",
            "approved_on": datetime.date(2026, 11, 21),
            "scope": "The practice page in English and French as shown on 21 November.",
            "restricted_fields": practice.restricted_fields,
        },
    )
    practice.refresh_from_db()
    practices.publish(actor=editor, practice=practice)
    return practice


def answer_all(page, value: str) -> None:
    radios = page.locator(f'.scale input[type="radio"][value="{value}"]')
    for i in range(radios.count()):
        radios.nth(i).check()


# The steps.


def test_a_respondent_signs_in_answers_on_their_own_and_submits(browser, live_server):
    open_survey()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/en/accounts/login/")
    page.get_by_label("User name or email").fill("respondent")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/en/")  # signed in, on the home page
    page.goto("/en/practices/mine/")
    page.get_by_role("link", name="Your answers to “Self-assessment 2026” are waited for.").click()
    check_accessibility(page, "survey-answer-en")
    answer_all(page, "3")
    page.get_by_role("button", name="Save my answers").first.click()
    assert "39 of 39 questions answered." in page.locator(".result-count").inner_text()
    page.get_by_role("button", name="Submit my answers").click()
    assert "Your answers are submitted." in page.locator(".messages").inner_text()
    context.close()


def test_the_lead_agrees_the_consensus_and_compares_the_scores(browser, live_server):
    survey = answered_survey()
    context, page = signed_in(browser, live_server, person("lead"))
    page.goto(f"/en/practices/surveys/{survey.pk}/")
    page.get_by_role("link", name="Compare answers and record the consensus").click()
    assert "They agree on 0 questions, are one level apart on 38 and differ on 1." in page.content()
    check_accessibility(page, "survey-consensus-en")
    page.get_by_label("Date of the consensus meeting").fill("2026-11-20")
    page.get_by_role("button", name="Record the consensus and close the survey").click()
    assert "Overall score: 2.9 out of 5." in page.content()  # 1.1.1 agreed at 1, the lower middle answer
    page.get_by_label("Compare with").select_option("average")
    page.get_by_role("button", name="Compare").click()
    assert page.locator("svg.radar .series.compare").count() == 1
    check_accessibility(page, "survey-results-en")
    context.close()


def test_the_editor_screens_the_practice_and_assigns_two_reviewers(browser, live_server):
    demo_registry()
    context, editor = signed_in(browser, live_server, person("editor"))
    editor.goto("/en/practices/mine/")
    editor.get_by_role("link", name="Land-based family wellness circles").click()
    check_accessibility(editor, "manage-en")
    editor.get_by_role("button", name="Start screening").click()
    editor.get_by_role("button", name="Send to review").click()
    for name in ("Ravi Singh", "Marie Gagnon"):
        editor.get_by_label("Reviewer").select_option(label=name)
        editor.get_by_role("button", name="Assign").click()
    assert editor.locator("table tbody tr").count() == 2
    context.close()


@pytest.mark.parametrize("username", ["reviewer1", "reviewer2"])
def test_a_reviewer_declares_no_conflict_and_rates_every_criterion(browser, live_server, username):
    practice_in_review()
    context, reviewer = signed_in(browser, live_server, person(username))
    reviewer.goto("/en/practices/mine/")
    reviewer.get_by_role("link", name="Land-based family wellness circles").click()
    reviewer.get_by_label("No, I have none").check()
    reviewer.get_by_role("button", name="Declare").click()
    criteria = reviewer.locator("fieldset.criterion")
    assert criteria.count() == 18  # with the Aboriginal Ways Tried and True criteria
    for i in range(criteria.count()):
        criteria.nth(i).get_by_label("Met", exact=True).check()
    criteria.nth(0).get_by_label(SHARING_CIRCLES).check()
    if username == "reviewer1":
        check_accessibility(reviewer, "review-en")
    reviewer.get_by_role("button", name="Finish my review").click()
    assert "Your review is finished." in reviewer.locator(".messages").inner_text()
    context.close()


def test_the_editor_decides_and_publishes_once_the_community_approves(browser, live_server):
    practice = practice_reviewed()
    context, editor = signed_in(browser, live_server, person("editor"))
    editor.goto(f"/en/practices/{PRACTICE}/manage/")
    editor.get_by_role("link", name="Record the decision").click()
    check_accessibility(editor, "decide-en")
    editor.get_by_label("Rationale (English)").fill(RATIONALE["en"])
    editor.get_by_label("Rationale (French)").fill(RATIONALE["fr"])
    editor.get_by_role("button", name="Record the decision").click()
    editor.get_by_role("button", name="Publish").click()
    assert editor.locator(".messages").inner_text().strip() == (
        "This practice is about an Indigenous community or organization. "
        f"Record {practice.indigenous_community}’s approval of the content as it stands before publishing."
    )
    assert Practice.objects.get(pk=practice.pk).status == "decided"
    editor.get_by_role("link", name="Record an approval").click()
    editor.get_by_label("Approved by").fill("Dana Whitecloud")
    editor.get_by_label("Their role").fill("Executive Director")
    editor.get_by_label("Approved on").fill("2026-11-21")
    editor.get_by_label("What was approved").fill(
        "The practice page in English and French as shown on 21 November."
    )
    check_accessibility(editor, "approval-en")
    editor.get_by_role("button", name="Record the approval").click()
    editor.get_by_role("button", name="Publish").click()
    assert Practice.objects.get(pk=practice.pk).status == "published"
    context.close()


def test_a_visitor_finds_the_practice_in_french_without_its_private_fields(browser, live_server):
    practice_published()
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    visitor.goto("/fr/practices/")
    visitor.get_by_label("Milieu").select_option("remote")
    visitor.get_by_role("button", name="Recherche").click()
    visitor.get_by_role("link", name="Cercles de mieux-être familial axés sur le territoire").click()
    check_accessibility(visitor, "practice-fr")
    body = visitor.content()
    assert "Pratique exemplaire" in body
    assert "Ancrée dans la communauté" in body
    assert SHARING_CIRCLES in body
    assert "Private contact kept by the centre" not in body
    visitor.context.close()
