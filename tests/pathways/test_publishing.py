"""Publishing means reviewed (issue 14, item 4): a version is published after a complete review, every named
approver having approved it, or without review by a facilitator who gives the reason; the version page and the
list of versions say who published it, when, who approved it, or why it went without review."""

from __future__ import annotations

import datetime
import html
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from carepath.models import AuditEntry
from carepath.pathways import documents, services
from carepath.pathways.models import Invitation, PathwayVersion, Review
from tests.conftest import PASSWORD
from tests.query_counts import api, assert_queries_do_not_grow, page

from .conftest import approved, publish_reviewed

pytestmark = pytest.mark.django_db

URGENT = "The crisis line's number changed: families must see the new one today."


@pytest.fixture
def draft(community):
    published = services.publish_template(community=community)
    return services.start_draft(community=community, actor=None, from_version=published)


def a_review(version, **people: str) -> Review:
    """A review of the version inviting each person with their role (``Ann="approver"``)."""
    return services.open_review(
        version=version,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        message="",
        invitees=[{"name": name, "role": role} for name, role in people.items()],
        actor=None,
    )


def approve(name: str, note: str = "") -> None:
    services.approve(invitation=Invitation.objects.get(name=name), note=note)


def nothing_published(version) -> bool:
    version.refresh_from_db()
    return (
        version.status != "published"
        and not AuditEntry.objects.filter(action="pathways.publish", target_id=str(version.pk)).exists()
    )


def publish_url(version, language: str = "en") -> str:
    return f"/{language}/communities/lakeside/pathway/versions/{version.number}/publish/"


def version_url(version, language: str = "en") -> str:
    return f"/{language}/communities/lakeside/pathway/versions/{version.number}/"


def text(response) -> str:
    """The page's words, tags and all, with entities read (the apostrophes Django escapes)."""
    return html.unescape(response.content.decode())


# The rule, in the service.


def test_publishing_is_refused_without_a_review(draft, facilitator):
    with pytest.raises(services.NotReviewedError) as refused:
        services.publish(version=draft, actor=facilitator)
    assert str(refused.value) == (
        "Version 2 has not been reviewed. Send it for review and publish it once every named approver has "
        "approved it, or publish it without review and give the reason."
    )
    assert nothing_published(draft)


def test_publishing_is_refused_while_a_named_approver_has_not_approved(draft, facilitator):
    a_review(draft, **{"Dr. Ada Lin": "approver", "Bo Chen": "approver", "Cy (parent)": "commenter"})
    approve("Dr. Ada Lin")
    with pytest.raises(services.AwaitingApprovalError) as refused:
        services.publish(version=draft, actor=facilitator)
    assert [i.name for i in refused.value.waiting] == ["Bo Chen"]  # the commenter approves nothing
    assert "Version 2 is waiting for the approval of Bo Chen." in str(refused.value)
    assert nothing_published(draft) and draft.reviews.get().open


def test_a_review_that_names_no_approver_is_not_complete(draft, facilitator):
    a_review(draft, **{"Cy (parent)": "commenter"})
    with pytest.raises(services.NotReviewedError) as refused:
        services.publish(version=draft, actor=facilitator)
    assert str(refused.value).startswith(
        "The review of version 2 names no approver, so nobody can approve it."
    )
    assert nothing_published(draft)


def test_publishing_after_a_complete_review_keeps_who_approved(draft, facilitator):
    a_review(draft, **{"Dr. Ada Lin": "approver", "Bo Chen": "approver"})
    approve("Dr. Ada Lin", "Good to go.")
    approve("Bo Chen")
    services.publish(version=draft, actor=facilitator)
    draft.refresh_from_db()
    assert (draft.status, draft.publication, draft.publish_reason) == ("published", "reviewed", "")
    assert draft.published_by == facilitator and draft.published_at is not None
    assert not draft.reviews.get().open  # the review ends with the publishing: its links stop working
    record = AuditEntry.objects.get(action="pathways.publish", target_id=str(draft.pk))
    assert record.actor == facilitator
    assert (record.data["publication"], record.data["reason"]) == ("reviewed", "")
    assert [(a["name"], a["note"]) for a in record.data["approvals"]] == [
        ("Dr. Ada Lin", "Good to go."),
        ("Bo Chen", ""),
    ]


def test_a_facilitator_publishes_without_review_giving_the_reason(draft, facilitator):
    services.publish(version=draft, actor=facilitator, without_review=f"  {URGENT}\n")
    draft.refresh_from_db()
    assert (draft.status, draft.publication, draft.publish_reason) == ("published", "without-review", URGENT)
    assert draft.published_by == facilitator
    record = AuditEntry.objects.get(action="pathways.publish", target_id=str(draft.pk))
    assert (record.actor, record.data["publication"], record.data["reason"]) == (
        facilitator,
        "without-review",
        URGENT,
    )
    assert PathwayVersion.objects.get(number=1).status == "retired"


def test_a_site_administrator_may_publish_without_review(draft, admin_user):
    services.publish(version=draft, actor=admin_user, without_review=URGENT)
    draft.refresh_from_db()
    assert (draft.publication, draft.published_by) == ("without-review", admin_user)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason for publishing without review."),
        (" \n\t ", "Give the reason for publishing without review."),
        ("x" * 1001, "Keep the reason to 1,000 characters or fewer (it has 1,001)."),
    ],
    ids=["empty", "blank", "too long"],
)
def test_publishing_without_review_needs_a_reason(draft, facilitator, reason, message):
    with pytest.raises(services.PublishReasonError) as refused:
        services.publish(version=draft, actor=facilitator, without_review=reason)
    assert refused.value.message_dict == {"reason": [message]}
    assert nothing_published(draft)


def test_a_reason_of_the_longest_length_is_kept_whole(draft, facilitator):
    services.publish(version=draft, actor=facilitator, without_review="x" * 1000)
    draft.refresh_from_db()
    assert draft.publish_reason == "x" * 1000


@pytest.mark.parametrize("who", ["member", "outsider", "a command", "a visitor"])
def test_only_the_tables_facilitators_publish_without_review(request, draft, who):
    others = {"a command": None, "a visitor": AnonymousUser()}
    actor = others[who] if who in others else request.getfixturevalue(who)
    with pytest.raises(services.NotFacilitatorError) as refused:
        services.publish(version=draft, actor=actor, without_review=URGENT)
    assert str(refused.value) == "Only the table's facilitators may publish a version without review."
    assert nothing_published(draft)


def test_publishing_without_review_ends_a_review_still_waiting_and_keeps_its_approvals(draft, facilitator):
    a_review(draft, **{"Dr. Ada Lin": "approver", "Bo Chen": "approver"})
    approve("Dr. Ada Lin")
    services.publish(version=draft, actor=facilitator, without_review=URGENT)
    draft.refresh_from_db()
    assert (draft.status, draft.publication) == ("published", "without-review")
    assert not draft.reviews.get().open
    record = AuditEntry.objects.get(action="pathways.publish", target_id=str(draft.pk))
    assert [a["name"] for a in record.data["approvals"]] == ["Dr. Ada Lin"]


def test_a_complete_review_publishes_as_reviewed_even_when_a_reason_is_given(draft, facilitator):
    """The approver approved while the facilitator was writing the reason: the version was reviewed."""
    approved(draft)
    services.publish(version=draft, actor=facilitator, without_review=URGENT)
    draft.refresh_from_db()
    assert (draft.publication, draft.publish_reason) == ("reviewed", "")


def test_errors_block_publishing_without_review_too(community, facilitator):
    document = documents.template()
    document["steps"][0]["transitions"] = []  # the first step becomes a dead end
    version = services.import_document(community=community, document=document)
    with pytest.raises(services.PublishBlockedError):
        services.publish(version=version, actor=facilitator, without_review=URGENT)
    assert nothing_published(version)


def test_the_template_a_community_starts_with_is_published_as_the_template(community):
    version = services.publish_template(community=community)
    assert (version.status, version.publication, version.publish_reason) == ("published", "template", "")
    assert AuditEntry.objects.get(action="pathways.publish").data["publication"] == "template"


def test_versions_published_before_say_they_were_reviewed_when_every_approver_had_approved(draft, community):
    """The migration's data step: a version published after a review its approvers all approved is marked
    reviewed; one published without a review keeps a blank record."""
    publish_reviewed(draft)
    PathwayVersion.objects.update(publication="")
    migration = importlib.import_module("carepath.pathways.migrations.0006_publication")
    migration.mark_reviewed(apps, None)
    assert dict(PathwayVersion.objects.values_list("number", "publication")) == {1: "", 2: "reviewed"}


# The publish page.


@pytest.mark.parametrize(
    ("language", "missing", "offered", "label"),
    [
        (
            "en",
            "This version has not been reviewed.",
            "Publish without review",
            "Why publish without review?",
        ),
        (
            "fr",
            "Cette version n'a pas été révisée.",
            "Publier sans révision",
            "Pourquoi publier sans révision\u202f?",
        ),
    ],
)
def test_the_publish_page_says_what_is_missing_and_offers_publishing_without_review(
    client, draft, facilitator, language, missing, offered, label
):
    client.force_login(facilitator)
    response = client.get(publish_url(draft, language))
    assert response.status_code == 200
    page_text = text(response)
    assert missing in page_text
    assert f'<h2 id="without-review-heading">{offered}</h2>' in page_text
    assert f'<label for="id_reason">{label} <span aria-hidden="true">*</span>' in page_text
    assert 'maxlength="1000"' in page_text and 'name="without_review"' in page_text
    assert f"/{language}/communities/lakeside/pathway/versions/2/review/open/" in page_text  # send it instead
    assert nothing_published(draft)


@pytest.mark.parametrize(
    ("language", "complete", "button"),
    [
        (
            "en",
            "The review is complete: every named approver has approved this version.",
            "Publish this version",
        ),
        (
            "fr",
            "La révision est terminée\u00a0: toutes les personnes désignées ont approuvé cette version.",
            "Publier cette version",
        ),
    ],
)
def test_the_publish_page_shows_who_approved_a_complete_review(
    client, draft, facilitator, language, complete, button
):
    a_review(draft, **{"Dr. Ada Lin": "approver"})
    approve("Dr. Ada Lin", "Good to go.")
    client.force_login(facilitator)
    page_text = text(client.get(publish_url(draft, language)))
    assert complete in page_text
    assert re.search(r"<li>Dr\. Ada Lin, (on|le) [^<]+\. Note\u00a0?: Good to go\.</li>", page_text)
    assert f'<button class="primary" type="submit">{button}</button>' in page_text
    assert 'name="reason"' not in page_text  # nothing to skip
    response = client.post(publish_url(draft, language))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.publication) == ("published", "reviewed")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Version 2 is waiting for the approval of Bo Chen and Cy Ray."),
        ("fr", "La version 2 attend encore l'approbation des personnes suivantes\u00a0: Bo Chen et Cy Ray."),
    ],
)
def test_publishing_while_approvers_wait_shows_the_page_again_naming_them(
    client, draft, facilitator, language, message
):
    a_review(draft, **{"Dr. Ada Lin": "approver", "Bo Chen": "approver", "Cy Ray": "approver"})
    approve("Dr. Ada Lin")
    client.force_login(facilitator)
    response = client.post(publish_url(draft, language))
    assert response.status_code == 409
    assert f'<div class="message error" role="alert"><p>{message}' in text(response)
    assert 'name="reason"' in text(response)  # publishing without review stays offered
    assert nothing_published(draft)


@pytest.mark.parametrize(
    ("language", "reason", "error"),
    [
        ("en", "   ", "This field is required."),
        ("fr", "   ", "Ce champ est obligatoire."),
        ("en", "x" * 1001, "Ensure this value has at most 1000 characters (it has 1001)."),
        (
            "fr",
            "x" * 1001,
            "Assurez-vous que cette valeur comporte au plus 1000 caractères (actuellement 1001).",
        ),
    ],
)
def test_a_missing_or_long_reason_is_shown_on_the_form(client, draft, facilitator, language, reason, error):
    client.force_login(facilitator)
    response = client.post(publish_url(draft, language), {"without_review": "1", "reason": reason})
    assert response.status_code == 400
    page_text = text(response)
    assert f'<ul class="errorlist" id="id_reason_error"><li>{error}</li></ul>' in page_text
    assert 'aria-invalid="true"' in page_text
    assert nothing_published(draft)


def test_a_member_may_neither_open_the_page_nor_publish_without_review(client, draft, member, outsider):
    for person in (member, outsider):
        client.force_login(person)
        assert client.get(publish_url(draft)).status_code == 403
        response = client.post(publish_url(draft), {"without_review": "1", "reason": URGENT})
        assert response.status_code == 403
    client.logout()
    assert client.post(publish_url(draft), {"without_review": "1", "reason": URGENT}).status_code == 302
    assert nothing_published(draft)


def test_a_version_published_already_sends_the_page_back_to_it(client, draft, facilitator):
    publish_reviewed(draft)
    client.force_login(facilitator)
    response = client.get(publish_url(draft), follow=True)
    assert response.redirect_chain == [(version_url(draft), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Only a draft or a version in review can be published."
    ]


# What the version page and the list of versions say.


@pytest.mark.parametrize(
    ("language", "without_review", "reason"),
    [
        ("en", "Published without review.", f"Reason given: {URGENT}"),
        ("fr", "Publiée sans révision.", f"Raison donnée\u00a0: {URGENT}"),
    ],
)
def test_publishing_without_review_from_the_page_shows_in_the_versions_history(
    client, draft, facilitator, member, language, without_review, reason
):
    client.force_login(facilitator)
    response = client.post(publish_url(draft, language), {"without_review": "1", "reason": URGENT})
    assert response.status_code == 302
    client.force_login(member)
    page_text = text(client.get(version_url(draft, language)))
    section = page_text.split('<section aria-labelledby="publication-heading">')[1].split("</section>")[0]
    assert re.search(r"(Published on|Publiée le) [^<]+ (by|par) fay\.", section)
    assert f"<strong>{without_review}</strong> {reason}" in section
    history = page_text.split("<h2>Versions</h2>")[1]
    assert f"<strong>{without_review}</strong> {reason}" in history
    # Visitors read how it was published, not who published it or why.
    client.logout()
    public = text(client.get(f"/{language}/communities/lakeside/pathway/"))
    assert f'<p class="meta">{without_review}</p>' in public
    assert URGENT not in public and "fay" not in public


def test_the_version_page_says_who_approved_a_reviewed_version(client, draft, facilitator, member):
    a_review(draft, **{"Dr. Ada Lin": "approver", "Bo Chen": "approver"})
    approve("Dr. Ada Lin", "Good to go.")
    approve("Bo Chen")
    services.publish(version=draft, actor=facilitator)
    client.force_login(member)
    page_text = text(client.get(version_url(draft)))
    section = page_text.split('<section aria-labelledby="publication-heading">')[1].split("</section>")[0]
    assert re.search(r"Published on \d+ \w+ \d{4} at \d+:\d\d by fay\.", section)
    assert "Reviewed and approved by:" in section
    assert re.search(r"<li>Dr\. Ada Lin, on [^<]+\. Note: Good to go\.</li>", section)
    assert re.search(r"<li>Bo Chen, on [^<.]+</li>", section)
    history = page_text.split("<h2>Versions</h2>")[1]
    assert "Approved in review by Dr. Ada Lin and Bo Chen." in history
    assert "Published from the Ontario early-years template, without review." in history  # version 1
    client.logout()
    public = text(client.get("/fr/communities/lakeside/pathway/"))
    assert '<p class="meta">Révisée et approuvée avant sa publication.</p>' in public
    assert "Ada Lin" not in public


def test_a_version_published_before_reviews_were_needed_says_none_is_recorded(client, draft, member):
    publish_reviewed(draft)
    PathwayVersion.objects.filter(pk=draft.pk).update(publication="")
    Review.objects.all().delete()
    client.force_login(member)
    assert "No review is recorded: this version was published before publishing needed one." in text(
        client.get(version_url(draft))
    )


def test_the_versions_history_takes_the_same_queries_for_one_version_or_three(client, community, member):
    """Each new version is published after a review: the list shows who approved each."""

    def add(n: int) -> None:
        if n == 1:
            services.publish_template(community=community)
            return
        latest = PathwayVersion.objects.get(pathway__community=community, status="published")
        draft = services.start_draft(community=community, actor=None, from_version=latest)
        services.publish(version=approved(draft, f"Approver {n}"), actor=None)

    client.login(username=member.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=add,
        fetch=page(client, "/en/communities/lakeside/pathway/"),
        shown=lambda html: len(re.findall(r"<p class=\"meta\">Published on ", html)),
    )


# The API's list of versions.


def test_the_api_lists_how_each_version_was_published(client, draft, facilitator, member):
    a_review(draft, **{"Dr. Ada Lin": "approver"})
    approve("Dr. Ada Lin")
    services.publish(version=draft, actor=facilitator)
    third = services.start_draft(community=draft.pathway.community, actor=None, from_version=draft)
    services.publish(version=third, actor=facilitator, without_review=URGENT)
    services.start_draft(community=draft.pathway.community, actor=None, from_version=third)
    url = "/api/v1/communities/lakeside/pathway/versions"
    client.login(username=member.username, password=PASSWORD)
    listed = {v["number"]: v["publication"] for v in client.get(url).json()}
    assert listed == {
        4: None,
        3: {"kind": "without-review", "published_by": "fay", "approved_by": [], "reason": URGENT},
        2: {"kind": "reviewed", "published_by": "fay", "approved_by": ["Dr. Ada Lin"], "reason": ""},
        1: {"kind": "template", "published_by": None, "approved_by": [], "reason": ""},
    }
    client.logout()
    public = {v["number"]: v["publication"] for v in client.get(url).json()}
    assert public == {
        3: {"kind": "without-review", "published_by": None, "approved_by": [], "reason": ""},
        2: {"kind": "reviewed", "published_by": None, "approved_by": [], "reason": ""},
        1: {"kind": "template", "published_by": None, "approved_by": [], "reason": ""},
    }


def test_the_api_list_of_versions_takes_the_same_queries_for_one_or_three(client, community, member):
    def add(n: int) -> None:
        if n == 1:
            services.publish_template(community=community)
        else:
            latest = PathwayVersion.objects.get(pathway__community=community, status="published")
            publish_reviewed(services.start_draft(community=community, actor=None, from_version=latest))

    client.login(username=member.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=add,
        fetch=api(client, "/api/v1/communities/lakeside/pathway/versions"),
        shown=lambda body: len(body),
    )


# Opening a review names an approver; the demo's pathway went through one.


def test_a_review_is_opened_with_at_least_one_approver(client, draft, facilitator):
    client.force_login(facilitator)
    response = client.post(
        f"/en/communities/lakeside/pathway/versions/{draft.number}/review/open/",
        {
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "invitees-TOTAL_FORMS": "1",
            "invitees-INITIAL_FORMS": "0",
            "invitees-MIN_NUM_FORMS": "1",
            "invitees-MAX_NUM_FORMS": "50",
            "invitees-0-name": "Sam (parent)",
            "invitees-0-role": "commenter",
        },
    )
    assert response.status_code == 400
    assert (
        "Name at least one approver: the version is published once every approver has approved it."
        in text(response)
    )
    assert not Review.objects.exists()


def test_the_demo_pathway_was_published_after_its_review(demo):
    version = PathwayVersion.objects.get(pathway__community=demo, status="published")
    assert (version.number, version.publication) == (1, "reviewed")
    review = version.reviews.get()
    assert not review.open
    assert sorted(review.invitations.filter(approved_at__isnull=False).values_list("name", flat=True)) == [
        "Dr. Amira Haddad (Maple Bay Family Health Team)",
        "Lise Gagnon (Centre de santé communautaire de la Rive-Nord)",
    ]
    comment = review.comments.get()
    assert comment.step_key in {s.key for s in version.steps.all()} and comment.resolved_at is not None
