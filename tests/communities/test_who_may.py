"""Who may open every page of a community and its pathway: a visitor, an outsider (facilitator elsewhere), a
member and a facilitator, each tried on every URL the two apps serve (as healthchecks tries an outsider beside
every view). A new page fails ``test_every_page_is_in_the_table`` until its row says who may use it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carepath.accounts.models import User
from carepath.accounts.services import set_membership
from carepath.communities import jobs
from carepath.communities.services import report_listing
from carepath.pathways import services as pathways
from carepath.pathways.services.feedback import send_feedback
from tests.conftest import PASSWORD
from tests.factories import service, uid
from tests.who_may import HIDDEN, IN, LOGIN, NO, differences, url_names

pytestmark = pytest.mark.django_db

EVERYONE = (IN, IN, IN, IN)
TABLE = "lakeside"
SERVICE = uid("service:a")

# name, URL arguments, method, then what a visitor, an outsider, a member and a facilitator get.
PAGES = [
    ("communities:list", {}, "get", *EVERYONE),
    ("communities:site-reports", {}, "get", LOGIN, NO, NO, NO),
    ("communities:detail", {"slug": TABLE}, "get", *EVERYONE),
    ("communities:service-add", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    ("communities:list-elsewhere", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    ("communities:service", {"slug": TABLE, "service_id": SERVICE}, "get", *EVERYONE),
    ("communities:service-edit", {"slug": TABLE, "service_id": SERVICE}, "get", LOGIN, NO, NO, IN),
    ("communities:service-remove", {"slug": TABLE, "service_id": SERVICE}, "get", LOGIN, NO, NO, IN),
    ("communities:report", {"slug": TABLE, "service_id": SERVICE}, "get", *EVERYONE),
    ("communities:report-thanks", {"slug": TABLE, "service_id": SERVICE}, "get", *EVERYONE),
    ("communities:reports", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    ("communities:import", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    ("communities:import-job", {"slug": TABLE, "job_id": "{job}"}, "get", LOGIN, NO, NO, IN),
    ("communities:settings", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    ("communities:members", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    (
        "communities:member-change",
        {"slug": TABLE, "membership_id": "{membership}"},
        "post",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    (
        "communities:member-remove",
        {"slug": TABLE, "membership_id": "{membership}"},
        "post",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    ("communities:export-json", {"slug": TABLE}, "get", *EVERYONE),
    ("communities:export-zip", {"slug": TABLE}, "get", *EVERYONE),
    ("pathways:detail", {"slug": TABLE}, "get", *EVERYONE),
    ("pathways:print", {"slug": TABLE}, "get", *EVERYONE),
    ("pathways:gaps", {"slug": TABLE}, "get", LOGIN, NO, IN, IN),
    ("pathways:feedback", {"slug": TABLE}, "get", *EVERYONE),
    ("pathways:feedback-thanks", {"slug": TABLE}, "get", *EVERYONE),
    ("pathways:feedback-list", {"slug": TABLE}, "get", LOGIN, NO, NO, IN),
    ("pathways:feedback-close", {"slug": TABLE, "feedback_id": "{feedback}"}, "post", LOGIN, NO, NO, IN),
    ("pathways:version", {"slug": TABLE, "number": "{draft}"}, "get", HIDDEN, HIDDEN, IN, IN),
    ("pathways:version-print", {"slug": TABLE, "number": "{draft}"}, "get", HIDDEN, HIDDEN, IN, IN),
    ("pathways:version-gaps", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, IN, IN),
    ("pathways:compare", {"slug": TABLE}, "get", HIDDEN, HIDDEN, IN, IN),
    ("pathways:download-json", {"slug": TABLE, "number": "{draft}"}, "get", HIDDEN, HIDDEN, IN, IN),
    ("pathways:download-fhir", {"slug": TABLE, "number": "{draft}"}, "get", HIDDEN, HIDDEN, IN, IN),
    ("pathways:review", {"slug": TABLE, "number": "{review}"}, "get", LOGIN, NO, IN, IN),
    ("pathways:review-open", {"slug": TABLE, "number": "{review}"}, "get", LOGIN, NO, NO, IN),
    ("pathways:edit", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, NO, IN),
    ("pathways:problems", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, NO, IN),
    ("pathways:details", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, NO, IN),
    ("pathways:template", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, NO, IN),
    ("pathways:step-add", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, NO, IN),
    ("pathways:step", {"slug": TABLE, "number": "{draft}", "key": "{step}"}, "get", LOGIN, NO, NO, IN),
    (
        "pathways:transition-add",
        {"slug": TABLE, "number": "{draft}", "key": "{step}"},
        "get",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    (
        "pathways:transition",
        {"slug": TABLE, "number": "{draft}", "key": "{step}", "pk": "{transition}"},
        "get",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    ("pathways:publish", {"slug": TABLE, "number": "{draft}"}, "get", LOGIN, NO, NO, IN),
    # The writes come last, in this order (each changes what later rows would see), publishing at the very end.
    ("pathways:step-move", {"slug": TABLE, "number": "{draft}", "key": "{step}"}, "post", LOGIN, NO, NO, IN),
    (
        "pathways:transition-remove",
        {"slug": TABLE, "number": "{draft}", "key": "{step}", "pk": "{transition}"},
        "post",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    (
        "pathways:step-remove",
        {"slug": TABLE, "number": "{draft}", "key": "{step}"},
        "post",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    (
        "pathways:review-new-link",
        {"slug": TABLE, "number": "{review}", "pk": "{invitation}"},
        "post",
        LOGIN,
        NO,
        NO,
        IN,
    ),
    ("communities:report-resolve", {"slug": TABLE, "report_id": "{report}"}, "post", LOGIN, NO, NO, IN),
    ("communities:site-report-resolve", {"report_id": "{report}"}, "post", LOGIN, NO, NO, NO),
    ("pathways:start-draft", {"slug": TABLE}, "post", LOGIN, NO, NO, IN),
    ("pathways:publish", {"slug": TABLE, "number": "{draft}"}, "post", LOGIN, NO, NO, IN),
]


def test_every_page_is_in_the_table():
    listed = {name for name, *_ in PAGES}
    assert url_names("communities") | url_names("pathways") == listed


@pytest.fixture
def made(community, import_file):
    """A published service with a report about it; the pathway published (1), a version in review (2) with an
    approver invited, and a draft (3)."""
    import_file(service("a"))
    job = jobs.queue_import(
        community=community,
        upload=SimpleUploadedFile("a.json", json.dumps(service("a")).encode()),
        language="en",
        actor=None,
    )
    report = report_listing(
        service_id=SERVICE,
        community=community,
        kind="other",
        text="The phone number changed.",
        reply_email="",
        language="en",
        base_url="http://testserver",
    )
    published = pathways.publish_template(community=community)
    in_review = pathways.start_draft(community=community, actor=None, from_version=published)
    review = pathways.open_review(
        version=in_review,
        deadline=datetime.date(2030, 1, 1),
        message="",
        invitees=[{"name": "Ada", "role": "approver"}],
        actor=None,
    )
    draft = pathways.start_draft(community=community, actor=None, from_version=published)
    step = draft.steps.filter(transitions__isnull=False).first()
    guest = set_membership(
        user=User.objects.create_user(username="gus", password=PASSWORD), community=community, role="member"
    )
    feedback = send_feedback(
        version=published,
        step_key="",
        step_title="",
        text="Say more about waits.",
        reply_email="",
        language="en",
    )
    return {
        "feedback": feedback.pk,
        "membership": guest.pk,
        "report": report.pk,
        "job": job.pk,
        "review": in_review.number,
        "invitation": review.invitations.get().pk,
        "draft": draft.number,
        "step": step.key,
        "transition": step.transitions.first().pk,
    }


def test_who_may_open_each_page(made, outsider, member, facilitator):
    """One test over the whole table (the data takes seconds to make); a failure lists every page that
    differs, with what each person got."""
    people = {"visitor": None, "outsider": outsider, "member": member, "facilitator": facilitator}
    assert differences(PAGES, people, made) == {}
