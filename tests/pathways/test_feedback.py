"""Readers send feedback on the published pathway with no account (rate-limited); its facilitators read it and
close it saying what the table did."""

from __future__ import annotations

import pytest

from carepath.models import AuditEntry
from carepath.pathways import services
from carepath.pathways.models import Feedback
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FORM = "/en/communities/lakeside/pathway/feedback/"


@pytest.fixture
def published(community):
    return services.publish_template(community=community)


def test_a_reader_sends_feedback_on_a_step_with_no_account(client, published):
    page = client.get("/en/communities/lakeside/pathway/").content.decode()
    assert f'href="{FORM}?step=assessment"' in page and "Send feedback on this pathway" in page
    form = client.get(f"{FORM}?step=assessment")
    assert form.context["form"]["step"].value() == "assessment"
    response = client.post(
        FORM, {"step": "assessment", "text": "The wait here is 9 months, not 6.", "reply_email": ""}
    )
    assert response.status_code == 302 and response["Location"].endswith("/pathway/feedback/thanks/")
    kept = Feedback.objects.get()
    assert (kept.step_key, kept.step_title, kept.version_number) == (
        "assessment",
        "Mental health and developmental assessment",
        published.number,
    )
    entry = AuditEntry.objects.get(action="pathways.feedback")
    assert "9 months" not in str(entry.data)  # the audit keeps neither the text nor the address


def test_bad_feedback_is_refused_with_what_to_fix(client, published):
    for data, problem in (
        ({"text": ""}, "This field is required."),
        ({"text": "x" * 2001}, "at most 2000 characters"),
        ({"text": "ok", "reply_email": "not an address"}, "Enter a valid email address."),
        ({"text": "ok", "step": "no-such-step"}, "Select a valid choice."),
    ):
        response = client.post(FORM, data)
        assert response.status_code == 400 and problem in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_is_rate_limited(client, published, settings):
    settings.CAREPATH_FEEDBACK_RATE = "2/hour"
    for _ in range(2):
        assert client.post(FORM, {"text": "More evening hours, please."}).status_code == 302
    assert client.post(FORM, {"text": "Again"}).status_code == 429
    assert client.get(FORM).status_code == 200  # reading the form is not counted
    assert Feedback.objects.count() == 2


def test_no_feedback_before_a_pathway_is_published(client, community):
    assert client.get(FORM).status_code == 404


def test_the_facilitators_read_and_close_it_in_french(client, published, facilitator, member):
    client.post(
        FORM, {"text": "Le parcours oublie les familles nouvellement arrivées.", "reply_email": "a@b.ca"}
    )
    item = Feedback.objects.get()
    client.login(username=member.username, password=PASSWORD)
    assert client.get("/fr/communities/lakeside/pathway/feedback/received/").status_code == 403
    client.logout()
    client.login(username=facilitator.username, password=PASSWORD)
    pathway = client.get("/fr/communities/lakeside/pathway/").content.decode()
    assert "Commentaires des lecteurs (1 ouvert)" in pathway
    listing = client.get("/fr/communities/lakeside/pathway/feedback/received/").content.decode()
    assert "Le parcours oublie les familles nouvellement arrivées." in listing and "mailto:a@b.ca" in listing
    closed = client.post(
        f"/fr/communities/lakeside/pathway/feedback/received/{item.pk}/close/",
        {"note": "Ajouté au plan d’action de la table."},
    )
    assert closed.status_code == 302
    item.refresh_from_db()
    assert item.resolved_at is not None and item.resolved_by == facilitator
    assert item.note == "Ajouté au plan d’action de la table."
    # Another table's feedback, through this table's address: refused, said, nothing changed.
    assert (
        client.post(
            "/fr/communities/lakeside/pathway/feedback/received/9999/close/", {"note": ""}
        ).status_code
        == 302
    )
