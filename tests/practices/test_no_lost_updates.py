"""No lost updates in the registry (issue 10, item 4): the practice description, the community-approval form of
a practice or case study, and the working group's page refuse a save made on a record that changed since the
form was opened, say who changed it and when, and keep what was typed; the admin writes through services."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.test import Client

from carepath.models import AuditEntry
from carepath.practices.models import (
    Approval,
    CaseStudy,
    Organization,
    OrganizationMember,
    Practice,
    RegistryPage,
)
from carepath.practices.services import content, practices

from .test_workflow import approval_data

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 1, 19, 27, tzinfo=datetime.UTC)  # 14:27 in Toronto
AGAIN = "Your changes are below; check them and save again."


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at_known_time(action: str) -> None:
    latest = AuditEntry.objects.filter(action=action).order_by("-at", "-id").first()
    assert latest is not None
    AuditEntry.objects.filter(pk=latest.pk).update(at=AT)


def _form(practice: Practice, **changes) -> dict:
    return {
        "name_en": practice.name_en,
        "name_fr": practice.name_fr,
        "summary_en": practice.summary_en,
        "summary_fr": practice.summary_fr,
        "organizations": [o.pk for o in practice.organizations.all()],
        "jurisdictions": practice.jurisdictions,
        "dimensions": practice.dimensions,
        "settings": practice.settings,
        "approaches": practice.approaches,
        "core_components_en": practice.core_components_en,
        "core_components_fr": practice.core_components_fr,
        "outcomes_en": practice.outcomes_en,
        "outcomes_fr": practice.outcomes_fr,
        "contacts": practice.contacts,
        "indigenous_community": practice.indigenous_community,
        **({"indigenous": "on"} if practice.indigenous else {}),
        "revision": practice.revision,
        **changes,
    }


def test_no_lost_updates_a_stale_save_of_a_practice_is_refused_with_who_and_when(make_practice, lead, staff):
    practice = make_practice("draft")
    url = f"/en/practices/{practice.slug}/edit/"
    opened = _as(staff).get(url).context["form"]
    assert opened["revision"].value() == practice.revision == 1  # created, then its evidence added
    assert _as(lead).post(url, _form(practice, summary_en="Lena's summary")).status_code == 302
    _at_known_time("practices.update")
    response = _as(staff).post(url, _form(practice, summary_en="Sam's summary"))
    assert response.status_code == 409
    form = response.context["form"]
    assert form.non_field_errors() == [
        f"Someone else changed this practice since you opened it: Lena, 1 December 2026 at 14:27. {AGAIN}"
    ]
    assert form["summary_en"].value() == "Sam's summary"
    practice.refresh_from_db()
    assert (practice.summary_en, practice.revision) == ("Lena's summary", 2)
    # Sam checks and saves again: a fresh save passes.
    assert _as(staff).post(url, _form(practice, summary_en="Sam's summary")).status_code == 302
    practice.refresh_from_db()
    assert (practice.summary_en, practice.revision) == ("Sam's summary", 3)


def test_no_lost_updates_evidence_added_meanwhile_counts_as_a_change_to_the_practice(
    make_practice, lead, staff
):
    practice = make_practice("draft")
    _as(lead).post(
        f"/en/practices/{practice.slug}/evidence/", {"kind": "evaluation", "title": "Second report"}
    )
    _at_known_time("practices.add_evidence")
    response = _as(staff).post(f"/en/practices/{practice.slug}/edit/", _form(practice, summary_en="Sam's"))
    assert response.status_code == 409
    assert (
        response.context["form"]
        .non_field_errors()[0]
        .startswith("Someone else changed this practice since you opened it: Lena, 1 December 2026 at 14:27.")
    )
    assert Practice.objects.get(pk=practice.pk).summary_en == practice.summary_en


def test_no_lost_updates_an_approval_of_content_that_changed_since_the_form_opened_is_refused(
    make_practice, lead, editor
):
    practice = make_practice("draft", indigenous=True, indigenous_community="Northern Lights")
    url = f"/en/practices/{practice.slug}/manage/approval/"
    assert _as(editor).get(url).context["form"]["revision"].value() == practice.revision
    _as(lead).post(f"/en/practices/{practice.slug}/edit/", _form(practice, outcomes_en="Changed outcomes"))
    _at_known_time("practices.update")
    posted = {**approval_data(), "approved_on": "2026-11-02", "revision": practice.revision}
    response = _as(editor).post(url, posted)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        f"Someone else changed this practice since you opened it: Lena, 1 December 2026 at 14:27. {AGAIN}"
    ]
    assert response.context["form"]["approver_name"].value() == posted["approver_name"]
    assert not Approval.objects.exists()
    response = _as(editor).post(url, {**posted, "revision": practice.revision + 1})
    assert response.status_code == 302
    assert Practice.objects.get(pk=practice.pk).approval_current


def test_no_lost_updates_an_approval_of_a_case_study_replaced_since_the_form_opened_is_refused(editor):
    path = Path(content.__file__).resolve().parents[1] / "data" / "case_studies"
    document = json.loads((path / "indigenous-primary-health-care-organizations.json").read_text())
    case = content.save_case_study(actor=None, document=document)
    url = f"/en/practices/case-studies/{case.slug}/approval/"
    assert _as(editor).get(url).context["form"]["revision"].value() == case.revision == 0
    other = type(editor).objects.create_user(username="ed2", first_name="Eddie", working_group_role="editor")
    content.save_case_study(actor=other, document={**document, "summary": {"en": "New", "fr": "Nouveau"}})
    _at_known_time("practices.save_case_study")
    posted = {**approval_data(), "approved_on": "2026-11-02", "revision": 0}
    response = _as(editor).post(url, posted)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        f"Someone else changed this case study since you opened it: Eddie, 1 December 2026 at 14:27. {AGAIN}"
    ]
    assert not Approval.objects.exists()
    assert _as(editor).post(url, {**posted, "revision": 1}).status_code == 302
    assert CaseStudy.objects.get(pk=case.pk).approval_current


def test_no_lost_updates_a_stale_save_of_the_working_group_page_is_refused(editor):
    other = type(editor).objects.create_user(username="ed2", first_name="Eddie", working_group_role="editor")
    url = "/en/practices/working-group/edit/"
    page = {"purpose_en": "Find practices.", "purpose_fr": "Trouver des pratiques.", "revision": 0}
    assert _as(editor).get(url).context["form"]["revision"].value() == 0
    assert _as(other).post(url, {**page, "sponsors_en": "Eddie's sponsors"}).status_code == 302
    _at_known_time("practices.save_registry_page")
    response = _as(editor).post(url, {**page, "partners_en": "Edith's partners"})
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else changed the working group's page since you opened it: Eddie, 1 December 2026 at "
        f"14:27. {AGAIN}"
    ]
    assert response.context["form"]["partners_en"].value() == "Edith's partners"
    assert (RegistryPage.objects.get().sponsors_en, RegistryPage.objects.get().partners_en) == (
        "Eddie's sponsors",
        "",
    )
    assert (
        _as(editor).post(url, {**page, "partners_en": "Edith's partners", "revision": 1}).status_code == 302
    )
    assert RegistryPage.objects.get().partners_en == "Edith's partners"


def test_no_lost_updates_the_update_service_takes_an_id_and_checks_the_revision(make_practice, lead):
    practice = make_practice("draft")
    practices.update_practice(actor=lead, practice_id=practice.pk, data={"region": "North"}, revision=1)
    with pytest.raises(practices.concurrency.StaleEditError) as stale:
        practices.update_practice(actor=lead, practice_id=practice.pk, data={"region": "South"}, revision=1)
    assert (stale.value.who, stale.value.revision) == ("Lena", 2)
    assert Practice.objects.get(pk=practice.pk).region == "North"


def test_the_admin_writes_organizations_and_their_members_through_audited_services(admin_user, lead):
    client = _as(admin_user)
    response = client.post(
        "/en/admin/practices/organization/add/",
        {
            "slug": "riverbend",
            "name_en": "Riverbend",
            "name_fr": "Riverbend",
            "kind": "chc",
            "jurisdiction": "ON",
            "region": "",
            "website": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(lead.pk),
            "memberships-0-role": "lead",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization = Organization.objects.get(slug="riverbend")
    member = OrganizationMember.objects.get(organization=organization)
    assert (member.user, member.role) == (lead, "lead")
    entries = AuditEntry.objects.filter(target_type="practices.organization", target_id=str(organization.pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        "practices.save_organization",
        "practices.save_organization_member",
    ]
    assert set(entries.values_list("actor", flat=True)) == {admin_user.pk}
    # Deleting an organization would change the practices that name it: not in the admin.
    assert (
        client.post(
            f"/en/admin/practices/organization/{organization.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get("/en/admin/practices/practice/add/").status_code == 403
