"""The review round: private links, comments on steps, answers, named approvers; what changed between versions."""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.communities.services import get_or_create_community
from carepath.models import AuditEntry
from carepath.pathways import services
from carepath.pathways.models import Comment, Invitation, Review, Step, Transition
from carepath.pathways.services import drafts
from carepath.tokens import token_hash
from tests.conftest import PASSWORD
from tests.query_counts import assert_queries_do_not_grow, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(community):
    published = services.publish_template(community=community)
    return services.start_draft(community=community, actor=None, from_version=published)


LINK = re.compile(r'value="http://testserver(/en/review/[^/"]+/)" aria-label="Private link for ([^"]+)"')


def shown_links(response) -> dict[str, str]:
    """The private links a facilitator's page shows, by the name of the person invited."""
    return {html.unescape(name): path for path, name in LINK.findall(response.content.decode())}


def open_review(client, draft, facilitator) -> dict[str, str]:
    """Open a review through the page; returns each person's link, shown this once."""
    client.login(username=facilitator.username, password=PASSWORD)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(
        f"/en/communities/lakeside/pathway/versions/{draft.number}/review/open/",
        {
            "deadline": tomorrow,
            "message": "Please look at intake.",
            "invitees-TOTAL_FORMS": "2",
            "invitees-INITIAL_FORMS": "0",
            "invitees-MIN_NUM_FORMS": "1",
            "invitees-MAX_NUM_FORMS": "50",
            "invitees-0-name": "Dr. Ada Lin",
            "invitees-0-email": "ada@example.org",
            "invitees-0-role": "approver",
            "invitees-1-name": "Sam (parent)",
            "invitees-1-email": "",
            "invitees-1-role": "commenter",
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Each private link is shown only this once" in response.content.decode()
    client.logout()
    return shown_links(response)


def review_page(draft) -> str:
    return f"/en/communities/lakeside/pathway/versions/{draft.number}/review/"


def test_the_whole_round(client, draft, facilitator):
    links = open_review(client, draft, facilitator)
    assert set(links) == {"Dr. Ada Lin", "Sam (parent)"}
    draft.refresh_from_db()
    assert draft.status == "in-review"
    [sent] = mail.outbox
    assert sent.to == ["ada@example.org"] and f"http://testserver{links['Dr. Ada Lin']}" in sent.body
    # A parent comments through the private link, without an account.
    parent_link = links["Sam (parent)"].replace("/en/", "/fr/")
    assert client.get(parent_link).status_code == 200
    response = client.post(parent_link, {"step": "intake-navigation", "text": "Can we call in the evening?"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.step_key, comment.author_name) == ("intake-navigation", "Sam (parent)")
    # Commenters cannot approve; publishing waits for the approver.
    client.post(parent_link, {"approve": "1", "note": ""})
    assert Invitation.objects.get(name="Sam (parent)").approved_at is None
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/", follow=True)
    assert "waiting for the approval of Dr. Ada Lin" in response.content.decode()
    # The facilitator answers and resolves; the approver approves; now it publishes.
    client.post(review_page(draft), {"comment": comment.pk, "answer": "Yes, until 8 pm.", "resolve": "on"})
    comment.refresh_from_db()
    assert comment.answer == "Yes, until 8 pm." and comment.resolved_at is not None
    client.logout()
    client.post(links["Dr. Ada Lin"], {"approve": "1", "note": "Good to go."})
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/")
    draft.refresh_from_db()
    assert draft.status == "published"
    record = AuditEntry.objects.get(action="pathways.publish", target_id=str(draft.pk))
    assert [a["name"] for a in record.data["approvals"]] == ["Dr. Ada Lin"]
    assert record.data["approvals"][0]["note"] == "Good to go."
    # The review is closed: the link shows the review has ended, and takes no more comments.
    client.logout()
    assert client.post(parent_link, {"step": "assessment", "text": "Late"}).status_code == 410
    assert Comment.objects.count() == 1


def test_review_links_that_end_keep_no_token_in_the_database(client, draft, facilitator):
    links = open_review(client, draft, facilitator)
    tokens = {name: path.rstrip("/").rsplit("/", 1)[-1] for name, path in links.items()}
    assert [len(token) for token in tokens.values()] == [43, 43]  # 256 random bits each
    stored = {i.name: i for i in Invitation.objects.all()}
    for name, token in tokens.items():
        assert stored[name].token_hash == token_hash(token)
    everything = json.dumps(
        [
            list(Invitation.objects.values()),
            list(AuditEntry.objects.values("action", "target_id", "data")),
        ],
        default=str,
    )
    assert not any(token in everything for token in tokens.values())
    # The facilitator's page cannot show the links again: it offers a new link instead.
    client.login(username=facilitator.username, password=PASSWORD)
    page = client.get(review_page(draft)).content.decode()
    assert shown_links(client.get(review_page(draft))) == {}
    assert not any(token in page for token in tokens.values())
    assert page.count(">New link<span") == 2


def test_review_links_that_end_a_replaced_link_stops_working(client, draft, facilitator):
    links = open_review(client, draft, facilitator)
    sam = Invitation.objects.get(name="Sam (parent)")
    ada = Invitation.objects.get(name="Dr. Ada Lin")
    client.login(username=facilitator.username, password=PASSWORD)
    base = f"/en/communities/lakeside/pathway/versions/{draft.number}/review/invitations"
    response = client.post(f"{base}/{sam.pk}/new-link/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new = shown_links(response)
    assert list(new) == ["Sam (parent)"] and new["Sam (parent)"] != links["Sam (parent)"]
    assert "Sam (parent) has a new private link, shown only this once: copy it now." in html.unescape(
        response.content.decode()
    )
    assert len(mail.outbox) == 1  # no address: nothing more is sent
    ada_new = shown_links(client.post(f"{base}/{ada.pk}/new-link/"))["Dr. Ada Lin"]
    assert mail.outbox[-1].to == ["ada@example.org"] and f"http://testserver{ada_new}" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="pathways.new_review_link").count() == 2
    client.logout()
    old = client.get(links["Sam (parent)"])
    assert old.status_code == 404 and "This review link does not work" in old.content.decode()
    assert client.post(links["Sam (parent)"], {"step": "assessment", "text": "Old link"}).status_code == 404
    assert client.post(links["Dr. Ada Lin"], {"approve": "1", "note": ""}).status_code == 404
    assert not Comment.objects.exists() and Invitation.objects.get(pk=ada.pk).approved_at is None
    assert client.post(new["Sam (parent)"], {"step": "assessment", "text": "New link"}).status_code == 302
    assert Comment.objects.get().text == "New link"


def test_review_links_that_end_a_closed_review_shows_no_draft(client, draft, facilitator, member):
    links = open_review(client, draft, facilitator)
    Invitation.objects.update(approved_at=timezone.now())
    services.publish(version=draft, actor=None)  # publishing closes the review
    for path in links.values():
        page = client.get(path)
        text = page.content.decode()
        assert page.status_code == 410 and "This review has ended" in text
        assert "Intake and navigation" not in text and "Please look at intake." not in text  # no draft
        assert 'name="text"' not in text
        assert "See the published pathway" in text
    response = client.post(links["Sam (parent)"], {"step": "assessment", "text": "After the end"})
    assert response.status_code == 410 and not Comment.objects.exists()
    with pytest.raises(services.NotEditableError):
        services.comment(
            review=draft.reviews.get(), invitation=None, author="X", step_key="assessment", text="?"
        )
    # The table's own page of the review stays, for those with an account.
    client.login(username=member.username, password=PASSWORD)
    assert "See the review and its comments" in client.get(links["Sam (parent)"]).content.decode()
    assert client.get(review_page(draft)).status_code == 200
    client.login(username=facilitator.username, password=PASSWORD)
    page = client.get(review_page(draft)).content.decode()
    assert page.count("Ended with the review") == 2 and "New link" not in page
    sam = Invitation.objects.get(name="Sam (parent)")
    refused = client.post(f"{review_page(draft)}invitations/{sam.pk}/new-link/", follow=True)
    assert "This review is closed." in refused.content.decode() and shown_links(refused) == {}


def test_review_links_that_end_no_comment_after_the_deadline(client, draft, facilitator):
    links = open_review(client, draft, facilitator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Review.objects.update(deadline=yesterday)
    page = client.get(links["Sam (parent)"])
    text = html.unescape(page.content.decode())
    assert page.status_code == 200 and "this review takes no more comments or approvals" in text
    assert (
        'name="text"' not in text
        and "Approve this version" not in client.get(links["Dr. Ada Lin"]).content.decode()
    )
    response = client.post(links["Sam (parent)"], {"step": "assessment", "text": "Too late"}, follow=True)
    assert "The deadline for this review has passed" in html.unescape(response.content.decode())
    client.post(links["Dr. Ada Lin"], {"approve": "1", "note": "Late"})
    assert not Comment.objects.exists() and not Invitation.objects.filter(approved_at__isnull=False).exists()
    with pytest.raises(services.NotEditableError):
        services.approve(invitation=Invitation.objects.get(name="Dr. Ada Lin"), note="")


def test_review_links_that_end_at_the_end_of_the_deadline_day_in_the_sites_time_zone(draft):
    review = services.open_review(
        version=draft, deadline=datetime.date(2026, 3, 10), message="", invitees=[], actor=None
    )
    # Toronto is 4 hours behind UTC on 10 March 2026 (daylight time began on the 8th).
    late_on_the_day = datetime.datetime(2026, 3, 11, 3, 59, tzinfo=datetime.UTC)
    next_day = datetime.datetime(2026, 3, 11, 4, 0, tzinfo=datetime.UTC)
    assert review.accepts_comments(late_on_the_day) and not review.deadline_passed(late_on_the_day)
    assert not review.accepts_comments(next_day) and review.deadline_passed(next_day)


def test_purge_expired_removes_the_links_of_ended_reviews(client, draft, facilitator, capsys):
    links = open_review(client, draft, facilitator)
    assert services.purge_ended_links() == 0  # an open review keeps its links
    Invitation.objects.update(approved_at=timezone.now())
    services.publish(version=draft, actor=None)
    call_command("purge-expired")
    assert "2 links of reviews that have ended" in capsys.readouterr().out
    assert not Invitation.objects.filter(token_hash__isnull=False).exists()
    assert Invitation.objects.count() == 2  # who was invited and who approved stay on the record
    assert client.get(links["Sam (parent)"]).status_code == 404
    assert AuditEntry.objects.get(action="pathways.purge_ended_links").data == {"count": 2}


def test_a_bad_link_is_404_and_versions_in_review_are_frozen(client, draft, facilitator):
    open_review(client, draft, facilitator)
    response = client.get("/fr/review/not-a-token/")
    assert response.status_code == 404 and "Ce lien de révision ne fonctionne pas" in html.unescape(
        response.content.decode()
    )
    step = Step.objects.get(version=draft, key="assessment")
    with pytest.raises(services.NotEditableError):
        drafts.remove_step(version_id=draft.pk, step_id=step.pk, revision=None, actor=None)


def test_review_page_is_for_the_table(client, draft, facilitator, member, outsider):
    open_review(client, draft, facilitator)
    page = review_page(draft)
    invitation = Invitation.objects.get(name="Sam (parent)")
    new_link = f"{page}invitations/{invitation.pk}/new-link/"
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(page).status_code == 403
    assert client.post(new_link).status_code == 403
    client.login(username=member.username, password=PASSWORD)
    response = client.get(page)
    assert response.status_code == 200 and response.context["links"] == {}
    assert "New link" not in response.content.decode()  # private links only for facilitators
    assert client.post(new_link).status_code == 403
    before = invitation.token_hash
    invitation.refresh_from_db()
    assert invitation.token_hash == before
    comment = Comment.objects.create(
        review=draft.reviews.get(), step_key="assessment", author_name="X", text="?"
    )
    assert client.post(page, {"comment": comment.pk, "answer": "no"}).status_code == 403


def test_what_changed_between_versions(client, draft, facilitator, member):
    Step.objects.filter(version=draft, key="brief-service").update(target_days=21)
    Transition.objects.filter(step__version=draft, to_key="earlyon-drop-in").delete()
    Step.objects.filter(version=draft, key="earlyon-drop-in").delete()
    client.login(username=member.username, password=PASSWORD)
    response = client.get(f"/en/communities/lakeside/pathway/compare/?from=1&to={draft.number}")
    changes = {c["key"]: (c["change"], [r["name"] for r in c["rows"]]) for c in response.context["steps"]}
    assert changes["brief-service"] == ("changed", ["Target days"])
    assert changes["earlyon-drop-in"][0] == "removed"
    assert set(changes) == {"brief-service", "earlyon-drop-in"}
    client.logout()
    assert (
        client.get(f"/en/communities/lakeside/pathway/compare/?from=1&to={draft.number}").status_code == 404
    )
    assert client.get("/en/communities/lakeside/pathway/compare/?from=x").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_review_links_that_end_links_sent_before_are_hashed_and_keep_working(client, draft):
    review = services.open_review(
        version=draft,
        deadline=timezone.localdate(),
        message="",
        invitees=[{"name": "Sam", "email": "", "role": "commenter"}],
        actor=None,
    )
    before = [("pathways", "0003_step_transition_revision")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()  # forward again, to the models the pages read
    executor.migrate(before)  # going back gives every invitation a new plain token
    old = executor.loader.project_state(before).apps.get_model("pathways", "Invitation")
    assert len(old.objects.get(review_id=review.pk).token) == 43
    old.objects.filter(review_id=review.pk).update(token="a-link-sent-before-the-change")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    invitation = Invitation.objects.get(review=review)
    assert invitation.token_hash == token_hash("a-link-sent-before-the-change")
    assert client.get("/en/review/a-link-sent-before-the-change/").status_code == 200


def test_review_links_that_end_are_not_made_twice_when_the_page_is_sent_again(client, draft, facilitator):
    links = open_review(client, draft, facilitator)
    client.login(username=facilitator.username, password=PASSWORD)
    again = client.post(
        f"/en/communities/lakeside/pathway/versions/{draft.number}/review/open/",
        {"deadline": timezone.localdate().isoformat(), "invitees-TOTAL_FORMS": "0"},
        follow=True,
    )
    assert again.redirect_chain == [(review_page(draft), 302)]
    assert "This version is already in review." in html.unescape(again.content.decode())
    assert shown_links(again) == {} and Review.objects.count() == 1 and Invitation.objects.count() == 2
    assert all(client.get(path).status_code == 200 for path in links.values())


def a_review(version, *invitees: str):
    """A review of the version, opened through the service, with a commenter for each name."""
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    people = [{"name": name, "role": "commenter"} for name in invitees]
    return services.open_review(version=version, deadline=deadline, message="", invitees=people, actor=None)


@pytest.mark.parametrize("through", ["the facilitator's page", "a private link"])
def test_the_comments_of_a_review_take_the_same_queries_for_one_or_three(client, draft, facilitator, through):
    review = a_review(draft, "Sam (parent)")
    [(invitation_id, token)] = review.tokens.items()
    invitation = Invitation.objects.get(pk=invitation_id)
    if through == "a private link":
        path = f"/en/review/{token}/"
    else:
        client.login(username=facilitator.username, password=PASSWORD)
        path = review_page(draft)
    steps = ["intake-navigation", "assessment", "intake-navigation"]  # two on one step
    assert_queries_do_not_grow(
        add=lambda n: services.comment(
            review=review,
            invitation=invitation,
            author="Sam (parent)",
            step_key=steps[n - 1],
            text=f"Comment {n}",
        ),
        fetch=page(client, path),
        shown=lambda html: html.count('<li class="comment">'),
    )


def test_the_people_invited_to_a_review_take_the_same_queries_for_one_or_three(client, draft, admin_user):
    other = get_or_create_community(slug="hillcrest", name="Hillcrest")
    other_draft = services.start_draft(
        community=other, actor=None, from_version=services.publish_template(community=other)
    )
    a_review(draft, "Ada")
    a_review(other_draft, "Ada", "Ben", "Cy")
    client.force_login(admin_user)
    counted = []
    for slug, version, invited in (("lakeside", draft, 1), ("hillcrest", other_draft, 3)):
        path = f"/en/communities/{slug}/pathway/versions/{version.number}/review/"
        client.get(path)  # what is cached on first use does not count
        with CaptureQueriesContext(connection) as queries:
            html = page(client, path)()
        assert html.split("People invited</caption>")[1].split("</tbody>")[0].count("<tr><td>") == invited
        counted.append(len(queries))
    assert counted[0] == counted[1]


def open_form(draft, **extra):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    return {
        "deadline": tomorrow,
        "message": "",
        "invitees-TOTAL_FORMS": "3",
        "invitees-INITIAL_FORMS": "0",
        "invitees-MIN_NUM_FORMS": "0",
        "invitees-MAX_NUM_FORMS": "200",
        # as a browser sends them: each row's role select has a choice made
        **{f"invitees-{i}-role": "commenter" for i in range(3)},
        **extra,
    }


def test_people_at_the_table_are_invited_by_picking_them(client, draft, facilitator, member):
    client.login(username=facilitator.username, password=PASSWORD)
    address = f"/en/communities/lakeside/pathway/versions/{draft.number}/review/open/"
    form = client.get(address).content.decode()
    assert f'name="member_{member.pk}"' in form and "mo@example.org" in form
    response = client.post(
        address,
        open_form(
            draft,
            **{
                f"member_{member.pk}": "approver",
                "invitees-0-name": "Sam (parent)",
                "invitees-0-role": "commenter",
            },
        ),
    )
    assert response.status_code == 200
    invited = {i.name: (i.email, i.role) for i in Invitation.objects.filter(review__version=draft)}
    assert invited == {"mo": ("mo@example.org", "approver"), "Sam (parent)": ("", "commenter")}
    page = response.content.decode()
    assert set(shown_links(response)) == {"mo", "Sam (parent)"}
    # Each link has a copy button, shown by the page's script (the field can be copied by hand without it).
    assert page.count("data-copy=") == 2 and 'data-copied="Copied" hidden>' in page


def test_a_review_needs_someone_and_an_approver_among_them(client, draft, facilitator, member):
    client.login(username=facilitator.username, password=PASSWORD)
    address = f"/en/communities/lakeside/pathway/versions/{draft.number}/review/open/"
    nobody = client.post(address, open_form(draft))
    assert nobody.status_code == 400
    assert "Invite at least one person" in nobody.content.decode()
    no_approver = client.post(address, open_form(draft, **{f"member_{member.pk}": "commenter"}))
    assert no_approver.status_code == 400
    assert "Name at least one approver" in no_approver.content.decode()
    assert not Invitation.objects.filter(review__version=draft).exists()


def test_more_rows_keeps_what_was_typed(client, draft, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    address = f"/en/communities/lakeside/pathway/versions/{draft.number}/review/open/"
    response = client.post(address, open_form(draft, more="1", **{"invitees-0-name": "Dr. Ada Lin"}))
    assert response.status_code == 200
    assert response.context["invitees"].total_form_count() == 4  # the one typed, and three more
    page = response.content.decode()
    assert 'value="Dr. Ada Lin"' in page and 'id="new-rows"' in page
    assert "errorlist" not in page  # asking for rows is not a mistake
    assert not Invitation.objects.filter(review__version=draft).exists()


def test_comments_on_the_whole_pathway_and_on_a_way_on_from_a_step(client, draft, facilitator):
    links = open_review(client, draft, facilitator)
    link = links["Sam (parent)"]
    page = client.get(link).content.decode()
    assert 'id="comment-general"' in page
    assert (
        '<option value="assessment">The way on to “Mental health and developmental assessment”</option>'
        in html.unescape(page)
    )
    assert (
        client.post(link, {"step": "", "text": "Please say more about culturally safe care."}).status_code
        == 302
    )
    client.post(link, {"step": "wait-support", "about": "assessment", "text": "Who decides who is assessed?"})
    refused = client.post(link, {"step": "intake-navigation", "about": "nowhere", "text": "?"}, follow=True)
    assert "The comment was not saved" in html.unescape(refused.content.decode())
    saved = {(c.step_key, c.to_key, c.text[:12]) for c in Comment.objects.filter(review__version=draft)}
    assert saved == {("", "", "Please say m"), ("wait-support", "assessment", "Who decides ")}
    # The table reads them: the whole-pathway comment first, the other under its step, naming the way on.
    client.login(username=facilitator.username, password=PASSWORD)
    review = html.unescape(client.get(review_page(draft)).content.decode())
    assert review.index("Please say more about culturally safe care.") < review.index(
        "Who decides who is assessed?"
    )
    assert "About the way on to “Mental health and developmental assessment”" in review
