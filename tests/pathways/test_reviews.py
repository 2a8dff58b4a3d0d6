"""The review round: private links, comments on steps, answers, named approvers; what changed between versions."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from carepath.models import AuditEntry
from carepath.pathways import services
from carepath.pathways.models import Comment, Invitation, Step
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(community):
    published = services.publish_template(community=community)
    return services.start_draft(community=community, actor=None, from_version=published)


def open_review(client, draft, facilitator):
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
    assert response.status_code == 302
    client.logout()
    return {i.name: i for i in Invitation.objects.all()}


def test_the_whole_round(client, draft, facilitator):
    invited = open_review(client, draft, facilitator)
    draft.refresh_from_db()
    assert draft.status == "in-review"
    [sent] = mail.outbox
    assert sent.to == ["ada@example.org"] and invited["Dr. Ada Lin"].token in sent.body
    # A parent comments through the private link, without an account.
    parent_link = f"/fr/review/{invited['Sam (parent)'].token}/"
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
    client.post(
        f"/en/communities/lakeside/pathway/versions/{draft.number}/review/",
        {"comment": comment.pk, "answer": "Yes, until 8 pm.", "resolve": "on"},
    )
    comment.refresh_from_db()
    assert comment.answer == "Yes, until 8 pm." and comment.resolved_at is not None
    client.logout()
    client.post(f"/en/review/{invited['Dr. Ada Lin'].token}/", {"approve": "1", "note": "Good to go."})
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/")
    draft.refresh_from_db()
    assert draft.status == "published"
    record = AuditEntry.objects.get(action="pathways.publish", target_id=str(draft.pk))
    assert [a["name"] for a in record.data["approvals"]] == ["Dr. Ada Lin"]
    assert record.data["approvals"][0]["note"] == "Good to go."
    # The review is closed: the link still reads, but takes no more comments.
    client.logout()
    client.post(parent_link, {"step": "assessment", "text": "Late"})
    assert Comment.objects.count() == 1


def test_a_bad_link_is_404_and_versions_in_review_are_frozen(client, draft, facilitator):
    open_review(client, draft, facilitator)
    assert client.get("/en/review/not-a-token/").status_code == 404
    step = Step.objects.get(version=draft, key="assessment")
    with pytest.raises(services.NotEditable):
        services.remove_step(version_id=draft.pk, step_id=step.pk, revision=None, actor=None)


def test_review_page_is_for_the_table(client, draft, facilitator, member, outsider):
    open_review(client, draft, facilitator)
    page = f"/en/communities/lakeside/pathway/versions/{draft.number}/review/"
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(page).status_code == 403
    client.login(username=member.username, password=PASSWORD)
    response = client.get(page)
    assert (
        response.status_code == 200 and response.context["links"] == {}
    )  # private links only for facilitators
    comment = Comment.objects.create(
        review=draft.reviews.get(), step_key="assessment", author_name="X", text="?"
    )
    assert client.post(page, {"comment": comment.pk, "answer": "no"}).status_code == 403


def test_what_changed_between_versions(client, draft, facilitator, member):
    from carepath.pathways.models import Transition

    Step.objects.filter(version=draft, key="brief-service").update(target_days=21)
    Transition.objects.filter(step__version=draft, to_key="earlyon-drop-in").delete()
    Step.objects.filter(version=draft, key="earlyon-drop-in").delete()
    client.login(username=member.username, password=PASSWORD)
    response = client.get(f"/en/communities/lakeside/pathway/compare/?from=1&to={draft.number}")
    changes = {c["key"]: (c["change"], c["fields"]) for c in response.context["changes"]}
    assert changes == {"brief-service": ("changed", ["Target days"]), "earlyon-drop-in": ("removed", [])}
    client.logout()
    assert (
        client.get(f"/en/communities/lakeside/pathway/compare/?from=1&to={draft.number}").status_code == 404
    )
    assert client.get("/en/communities/lakeside/pathway/compare/?from=x").status_code == 404
