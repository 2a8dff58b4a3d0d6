"""The practice registry in the browser: two respondents answer the alignment survey and agree a consensus;
an editor screens a practice and assigns reviewers; reviewers declare interests and grade it; the editor
records the decision and the community's approval and publishes; a visitor finds it in French."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_accessibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "carepath-demo"  # the registry demo's accounts


def sign_in(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/en/accounts/login/")
    page.get_by_label("User name or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return context, page


def answer_all(page, value: str) -> None:
    radios = page.locator(f'.scale input[type="radio"][value="{value}"]')
    for i in range(radios.count()):
        radios.nth(i).check()


def test_survey_consensus_review_grading_approval_and_publication(browser, live_server):
    from django.core.management import call_command

    from carepath.practices.models import Practice, Survey

    call_command("load-registry", "--demo", "--with-users", verbosity=0)
    survey = Survey.objects.get(organization__slug="lakeview-chc", title="Self-assessment 2026")

    # Two people of the organization answer on their own; the second saves, comes back and submits.
    context, page = sign_in(browser, live_server, "respondent")
    page.goto("/en/practices/mine/")
    page.get_by_role("link", name="Your answers to “Self-assessment 2026” are waited for.").click()
    check_accessibility(page, "survey-answer-en")
    answer_all(page, "3")
    page.get_by_role("button", name="Save my answers").first.click()
    assert "39 of 39 questions answered." in page.locator(".result-count").inner_text()
    page.get_by_role("button", name="Submit my answers").click()
    assert "Your answers are submitted." in page.locator(".messages").inner_text()
    context.close()

    context, page = sign_in(browser, live_server, "lead")
    page.goto(f"/en/practices/surveys/{survey.pk}/answer/")
    answer_all(page, "4")
    page.locator('input[name="q-1.1.1"][value="1"]').check()
    page.get_by_role("button", name="Submit my answers").click()
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

    # The editor screens the submitted practice and assigns two reviewers.
    practice = Practice.objects.get(slug="land-based-family-wellness-circles")
    context, editor = sign_in(browser, live_server, "editor")
    editor.goto("/en/practices/mine/")
    editor.get_by_role("link", name="Land-based family wellness circles").click()
    check_accessibility(editor, "manage-en")
    editor.get_by_role("button", name="Start screening").click()
    editor.get_by_role("button", name="Send to review").click()
    for name in ("Ravi Singh", "Marie Gagnon"):
        editor.get_by_label("Reviewer").select_option(label=name)
        editor.get_by_role("button", name="Assign").click()
    assert editor.locator("table tbody tr").count() == 2

    # Each reviewer declares no conflict, asks or reads questions, and rates every criterion.
    for username in ("reviewer1", "reviewer2"):
        rcontext, reviewer = sign_in(browser, live_server, username)
        reviewer.goto("/en/practices/mine/")
        reviewer.get_by_role("link", name="Land-based family wellness circles").click()
        reviewer.get_by_label("No, I have none").check()
        reviewer.get_by_role("button", name="Declare").click()
        criteria = reviewer.locator("fieldset.criterion")
        assert criteria.count() == 18  # with the Aboriginal Ways Tried and True criteria
        for i in range(criteria.count()):
            criteria.nth(i).get_by_label("Met", exact=True).check()
        criteria.nth(0).get_by_label(
            "Community knowledge gathered in sharing circles (demonstration)"
        ).check()
        if username == "reviewer1":
            check_accessibility(reviewer, "review-en")
        reviewer.get_by_role("button", name="Finish my review").click()
        assert "Your review is finished." in reviewer.locator(".messages").inner_text()
        rcontext.close()

    # The editor records the decision; publishing waits for the community's approval.
    editor.reload()
    editor.get_by_role("link", name="Record the decision").click()
    check_accessibility(editor, "decide-en")
    editor.get_by_label("Rationale (English)").fill(
        "Rooted in the community, with Indigenous knowledge of its effect."
    )
    editor.get_by_label("Rationale (French)").fill(
        "Ancrée dans la communauté, avec un savoir autochtone sur ses effets."
    )
    editor.get_by_role("button", name="Record the decision").click()
    editor.get_by_role("button", name="Publish").click()
    assert "cannot be published until" in editor.content() or "approves the content" in editor.content()
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

    # A visitor finds it in French, sees why it earned its tier, and never the private contact.
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    visitor.goto("/fr/practices/")
    visitor.get_by_label("Milieu").select_option("remote")
    visitor.get_by_role("button", name="Recherche").click()
    visitor.get_by_role("link", name="Cercles de mieux-être familial axés sur le territoire").click()
    check_accessibility(visitor, "practice-fr")
    body = visitor.content()
    assert "Pratique exemplaire" in body
    assert "Ancrée dans la communauté" in body
    assert "Community knowledge gathered in sharing circles (demonstration)" in body
    assert "Private contact kept by the centre" not in body
    visitor.context.close()
