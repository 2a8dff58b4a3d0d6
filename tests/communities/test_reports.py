"""Report a problem with a listing: anyone sends it (no sign-in, CSRF-protected, rate-limited); it is kept for
the community that keeps the service and e-mailed to its facilitators (the site administrators for what the site
keeps); they see open reports and resolve them, audited; nobody else sees them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carepath import versions
from carepath.accounts.services import set_membership
from carepath.communities import services
from carepath.communities.models import InventoryEntry, ListingReport
from carepath.models import AuditEntry
from tests.conftest import PASSWORD, _user
from tests.query_counts import assert_queries_do_not_grow, page

pytestmark = pytest.mark.django_db
WELL_CHILD = "91fcd770-36bd-5392-9500-2b6fd85d52d9"  # kept by North Shore, in the demo
SERVICE = f"/en/communities/north-shore/services/{WELL_CHILD}/"
REPORT = f"{SERVICE}report/"
REPORTS = "/en/communities/north-shore/reports/"
SITE_REPORTS = "/en/communities/_site/reports/"
VALID = {
    "kind": "wrong-phone",
    "text": "The number is now 705-555-0177.",
    "reply_email": "parent@example.org",
}


@pytest.fixture
def fay(demo):
    """A facilitator of North Shore, the steward of the demo's services."""
    user = _user("fay-ns")
    set_membership(user=user, community=demo, role="facilitator")
    return user


@pytest.fixture
def mo(demo):
    user = _user("mo-ns")
    set_membership(user=user, community=demo, role="member")
    return user


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def send(client, data=None, path=REPORT, callbacks=None):
    if callbacks is None:
        return client.post(path, data or VALID)
    with callbacks(execute=True):
        return client.post(path, data or VALID)


def a_report(demo, **values):
    return services.report_listing(
        service_id=WELL_CHILD,
        community=demo,
        kind=values.get("kind", "wrong-hours"),
        text=values.get("text", "Closed on Fridays now."),
        reply_email=values.get("reply_email", ""),
        language="en",
        base_url="http://testserver/",
    )


def test_every_card_and_the_service_page_link_to_the_report_form(client, demo):
    page = client.get(SERVICE).content.decode()
    assert f'href="{REPORT}"' in page and "Report a problem with this listing" in page
    form = client.get(REPORT)
    assert form.status_code == 200
    content = form.content.decode()
    assert 'name="csrfmiddlewaretoken"' in content and 'maxlength="2000"' in content
    for label in ("The phone number is wrong", "The hours are wrong", "The service has closed or moved"):
        assert label in content
    assert "Who will see it: North Shore Early Years Table" in content


def test_a_visitor_s_report_is_kept_and_e_mailed_to_the_steward_s_facilitators(
    client, demo, fay, mo, outsider, django_capture_on_commit_callbacks
):
    token = versions.current_for(demo.pk)
    response = send(client, callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == f"{REPORT}thanks/"
    report = ListingReport.objects.get()
    assert (report.service_id.hex, report.steward, report.community, report.kind) == (
        WELL_CHILD.replace("-", ""),
        demo,
        demo,
        "wrong-phone",
    )
    assert (report.text, report.reply_email, report.language, report.resolved_at) == (
        VALID["text"],
        "parent@example.org",
        "en",
        None,
    )
    [message] = mail.outbox  # the facilitator only: not the member, not another community's facilitator
    assert message.to == ["fay-ns@example.org"] and message.reply_to == ["parent@example.org"]
    assert "Well-baby and well-child visits" in message.subject
    assert VALID["text"] in message.body and "The phone number is wrong" in message.body
    assert f"http://testserver{REPORTS}" in message.body
    entry = AuditEntry.objects.get(action="listing.report")
    assert entry.community == demo and entry.target_id == str(report.pk)
    assert entry.data["kind"] == "wrong-phone" and entry.data["answer_wanted"] is True
    assert "parent@example.org" not in str(entry.data) and "705-555-0177" not in str(entry.data)
    assert versions.current_for(demo.pk) == token  # a report changes nothing the navigator holds
    thanks = client.get(response["Location"]).content.decode()
    assert (
        "Thank you for your report" in thanks and "Who will see it: North Shore Early Years Table" in thanks
    )


def test_the_e_mail_links_to_the_page_in_each_facilitator_s_language(
    client, demo, fay, django_capture_on_commit_callbacks
):
    fay.preferred_language = "fr"
    fay.save()
    send(
        client,
        {"kind": "wrong-hours", "text": ""},
        path=REPORT.replace("/en/", "/fr/"),
        callbacks=django_capture_on_commit_callbacks,
    )
    [message] = mail.outbox
    assert "http://testserver/fr/communities/north-shore/reports/" in message.body and message.reply_to == []
    assert ListingReport.objects.get().language == "fr"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": "Something"}, "This field is required."),
        ({"kind": "made-up"}, "Select a valid choice."),
        ({"kind": "other", "text": "  "}, "Say what is wrong with the listing."),
        (
            {"kind": "wrong-phone", "text": "x" * 2001},
            "Ensure this value has at most 2000 characters (it has 2001).",
        ),
        ({"kind": "wrong-phone", "reply_email": "not an address"}, "Enter a valid email address."),
    ],
)
def test_bad_input_shows_the_form_again_with_what_is_wrong(
    client, demo, fay, data, error, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORT, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page.replace("&#x27;", "'") and "Please correct the errors below." in page
    assert not ListingReport.objects.exists() and mail.outbox == []


def test_a_report_of_2000_characters_is_taken(client, demo, fay):
    assert send(client, {"kind": "other", "text": "x" * 2000}).status_code == 302
    assert len(ListingReport.objects.get().text) == 2000


def test_reports_are_rate_limited(client, demo, settings):
    settings.CAREPATH_REPORT_RATE = "2/hour"
    assert [send(client).status_code for _ in range(2)] == [302, 302]
    refused = send(client)
    assert refused.status_code == 429
    assert (
        1800 - 20 <= int(refused["Retry-After"]) <= 1800
    )  # half an hour from the first, less the test's time
    assert client.get(REPORT).status_code == 200  # reading the form is not counted
    assert ListingReport.objects.count() == 2


def test_a_report_needs_the_form_s_csrf_token(demo):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(REPORT, VALID).status_code == 403
    assert not ListingReport.objects.exists()


def test_only_published_listings_of_the_community_take_reports(client, demo):
    assert (
        client.get(
            "/en/communities/north-shore/services/00000000-0000-0000-0000-000000000000/report/"
        ).status_code
        == 404
    )
    InventoryEntry.objects.filter(community=demo, service_id=WELL_CHILD).update(published=False)
    assert client.get(REPORT).status_code == 404 and send(client).status_code == 404
    assert client.get(f"/en/communities/nowhere/services/{WELL_CHILD}/report/").status_code == 404


def test_who_may_see_reports_only_the_steward_s_facilitators_and_site_admins(
    client, demo, fay, mo, outsider, admin_user
):
    a_report(demo)
    visitor = client.get(REPORTS)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    for user, status in ((outsider, 403), (mo, 403), (fay, 200), (admin_user, 200)):
        login(client, user)
        response = client.get(REPORTS)
        assert response.status_code == status, user
        if status == 200:
            page = response.content.decode()
            assert (
                "1 open report" in page and "Closed on Fridays now." in page and "The hours are wrong" in page
            )
        client.logout()
    login(client, outsider)  # their own community's page does not show North Shore's reports
    page = client.get("/en/communities/hillcrest/reports/").content.decode()
    assert "0 open reports" in page and "Closed on Fridays now." not in page


def test_resolving_a_report_is_for_the_steward_s_facilitators_and_audited(client, demo, fay, mo, outsider):
    report = a_report(demo)
    resolve = f"{REPORTS}{report.pk}/resolve/"
    assert client.post(resolve).status_code == 302 and "/accounts/login/" in client.post(resolve)["Location"]
    for user in (outsider, mo):
        login(client, user)
        assert client.post(resolve).status_code == 403
        client.logout()
    login(client, outsider)  # through their own community's page: not a report they keep
    assert client.post(f"/en/communities/hillcrest/reports/{report.pk}/resolve/").status_code == 404
    client.logout()
    report.refresh_from_db()
    assert (
        report.resolved_at is None and not AuditEntry.objects.filter(action="listing.resolve_report").exists()
    )
    login(client, fay)
    assert client.get(resolve).status_code == 405
    response = client.post(resolve)
    assert response.status_code == 302 and response["Location"] == REPORTS
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == fay
    entry = AuditEntry.objects.get(action="listing.resolve_report")
    assert (entry.actor, entry.community, entry.target_id) == (fay, demo, str(report.pk))
    page = client.get(REPORTS).content.decode()
    assert "0 open reports" in page and "Recently resolved" in page and "by fay-ns" in page
    assert client.post(resolve).status_code == 302  # again: nothing changes
    assert AuditEntry.objects.filter(action="listing.resolve_report").count() == 1


def test_reports_about_what_the_site_keeps_go_to_the_site_administrators(
    client, demo, fay, admin_user, django_capture_on_commit_callbacks
):
    services.transfer_services(service_ids=[WELL_CHILD], to=None, actor=admin_user)
    form = client.get(REPORT).content.decode()
    assert "Who will see it: Carepath's site administrators" in form
    send(client, callbacks=django_capture_on_commit_callbacks)
    report = ListingReport.objects.get()
    assert report.steward is None and report.community == demo
    assert [m.to for m in mail.outbox] == [["siteadmin@example.org"]]
    assert f"http://testserver{SITE_REPORTS}" in mail.outbox[0].body
    visitor = client.get(SITE_REPORTS)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    login(client, fay)
    assert client.get(SITE_REPORTS).status_code == 403
    assert client.post(f"{SITE_REPORTS}{report.pk}/resolve/").status_code == 403
    assert "The number is now" not in client.get(REPORTS).content.decode()  # not North Shore's to see
    client.logout()
    login(client, admin_user)
    assert "The number is now 705-555-0177." in client.get(SITE_REPORTS).content.decode()
    assert client.post(f"{SITE_REPORTS}{report.pk}/resolve/").status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == admin_user
    assert AuditEntry.objects.get(action="listing.resolve_report").community is None
    assert (
        "Problems reported with listings the site keeps"
        in client.get("/en/accounts/profile/").content.decode()
    )


def test_a_community_without_a_facilitator_to_e_mail_falls_back_to_the_site_administrators(
    client, demo, admin_user, django_capture_on_commit_callbacks
):
    send(client, callbacks=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["siteadmin@example.org"]]


def test_a_mail_server_that_fails_loses_no_report_and_gives_no_error(
    client, demo, fay, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    assert send(client, callbacks=django_capture_on_commit_callbacks).status_code == 302
    assert ListingReport.objects.count() == 1


def test_facilitators_find_the_reports_from_their_inventory_and_settings(client, demo, fay):
    a_report(demo)
    assert (
        "Problems reported with listings" not in client.get("/en/communities/north-shore/").content.decode()
    )
    login(client, fay)
    for path in ("/en/communities/north-shore/", "/en/communities/north-shore/settings/"):
        page = client.get(path).content.decode()
        assert f'<a href="{REPORTS}">Problems reported with listings (1 open)</a>' in page


def test_the_reports_page_takes_the_same_queries_for_one_report_or_three(client, demo, fay):
    login(client, fay)
    a_report(demo)
    with CaptureQueriesContext(connection) as one:
        assert client.get(REPORTS).status_code == 200
    a_report(demo, reply_email="a@example.org")
    services.resolve_report(report_id=a_report(demo).pk, steward=demo, actor=fay)
    with CaptureQueriesContext(connection) as three:
        page = client.get(REPORTS).content.decode()
    assert "2 open reports" in page
    assert len(one) == len(three)


def test_the_site_s_reports_page_takes_the_same_queries_for_one_report_or_three(client, demo, admin_user):
    services.transfer_services(service_ids=[WELL_CHILD], to=None, actor=admin_user)
    login(client, admin_user)
    assert_queries_do_not_grow(
        add=lambda n: a_report(demo, text=f"Report {n}"),
        fetch=page(client, SITE_REPORTS),
        shown=lambda html: html.count('<li class="result">'),
    )


def test_the_report_form_in_french(client, demo):
    page = client.get(REPORT.replace("/en/", "/fr/")).content.decode()
    assert '<html lang="fr">' in page and 'class="report-form"' in page
    assert (
        'action="' not in page.split('class="report-form"')[0][-40:]
    )  # posts back to its own French address
