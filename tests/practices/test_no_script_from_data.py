"""No script from data in the registry: links of evidence, organizations and case-study sources are http(s)
only, and a value stored before that is anything else shows as text, never as a link."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from carepath.practices.models import CaseStudy, CaseStudySource, Evidence, Organization
from carepath.practices.services import content
from carepath.validators import message

pytestmark = pytest.mark.django_db
SCRIPT = "javascript:alert(document.cookie)"
WEB_ONLY = str(message())
CASE = {
    "slug": "hub",
    "title": {"en": "Hub", "fr": "Carrefour"},
    "summary": {"en": "S", "fr": "S"},
    "sections": [{"heading": {"en": "H", "fr": "H"}, "body": {"en": "B", "fr": "B"}}],
    "sources": [
        {"title": {"en": "Annual report", "fr": "Rapport annuel"}, "url": "https://example.org/report"}
    ],
}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url", [SCRIPT, "JavaScript:alert(1)", "data:text/html,<script>x</script>", "ftp://example.org/r"]
)
def test_no_script_from_data_evidence_links_are_refused_naming_the_field(make_practice, lead, url):
    practice = make_practice("draft")
    response = login(lead).post(
        f"/en/practices/{practice.slug}/evidence/", {"kind": "evaluation", "title": "Report", "url": url}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"url": [WEB_ONLY]}
    assert list(practice.evidence.values_list("title", flat=True)) == ["Evaluation 2025"]


def test_no_script_from_data_evidence_links_may_be_web_addresses(make_practice, lead):
    practice = make_practice("draft")
    client = login(lead)
    client.post(
        f"/en/practices/{practice.slug}/evidence/",
        {"kind": "evaluation", "title": "A", "url": "example.org/a"},
    )
    client.post(
        f"/en/practices/{practice.slug}/evidence/",
        {"kind": "evaluation", "title": "B", "url": "http://example.org/b"},
    )
    assert sorted(practice.evidence.exclude(url="").values_list("url", flat=True)) == [
        "http://example.org/b",
        "https://example.org/a",
    ]


@pytest.mark.parametrize(
    ("url", "errors"),
    [
        (SCRIPT, ["Enter a valid URL."]),
        ("ftp://example.org/", [WEB_ONLY]),
        ("tel:+17055550123", ["Enter a valid URL."]),
    ],
)
def test_no_script_from_data_organization_websites_are_refused_naming_the_field(
    admin_user, organization, url, errors
):
    response = login(admin_user).post(
        f"/en/admin/practices/organization/{organization.pk}/change/",
        {
            "slug": organization.slug,
            "name_en": organization.name_en,
            "name_fr": organization.name_fr,
            "kind": organization.kind,
            "jurisdiction": organization.jurisdiction,
            "region": "",
            "website": url,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"website": errors}
    assert Organization.objects.get(pk=organization.pk).website == ""
    with pytest.raises(ValidationError) as raised:
        Organization(
            slug="x", name="X", kind="chc", jurisdiction="ON", website="ftp://example.org"
        ).full_clean()
    assert raised.value.message_dict["website"] == [WEB_ONLY]


def test_no_script_from_data_case_study_sources_are_refused_naming_the_source(db):
    document = {
        **CASE,
        "sources": [*CASE["sources"], {"title": {"en": "Bad", "fr": "Mauvais"}, "url": SCRIPT}],
    }
    with pytest.raises(ValidationError) as raised:
        content.save_case_study(actor=None, document=document)
    assert raised.value.message_dict == {"sources[1].url": [WEB_ONLY]}
    assert not CaseStudy.objects.filter(slug="hub").exists()


def test_no_script_from_data_stored_links_show_as_text(make_practice, editor, reviewers, organization, lead):
    practice = make_practice("published", reviewers=reviewers, editor=editor)
    Evidence.objects.filter(practice=practice).update(url=SCRIPT)
    Organization.objects.filter(pk=organization.pk).update(website="javascript:alert(2)")
    draft = make_practice("draft", slug="second", name_en="Second", name_fr="Deuxième")
    Evidence.objects.filter(practice=draft).update(url=SCRIPT)
    for page in (
        Client().get(practice.get_absolute_url()).content.decode(),
        Client().get(f"/en/practices/{practice.slug}/print/").content.decode(),
        login(lead).get(f"/en/practices/{draft.slug}/evidence/").content.decode(),
    ):
        assert "Evaluation 2025" in page
        assert 'href="javascript:' not in page.lower() and "alert(" not in page
    case = content.publish_case_study(actor=None, case=content.save_case_study(actor=None, document=CASE))
    CaseStudySource.objects.filter(case_study=case).update(url=SCRIPT)
    for path in (case.get_absolute_url(), f"{case.get_absolute_url()}print/"):
        page = Client().get(path).content.decode()
        assert "Annual report" in page and 'href="javascript:' not in page.lower()
