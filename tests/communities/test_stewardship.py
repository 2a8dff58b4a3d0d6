"""Who may change a shared record (issue 10, item 1): only the community that keeps it, whatever the entry point."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carepath.communities.models import InventoryEntry
from carepath.directory.models import Phone, Service
from carepath.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import service, uid

pytestmark = pytest.mark.django_db

CRISIS_LINE = "7fd42af7-2b21-5fdc-9342-3f5e8592bcaf"  # North Shore's 24/7 Family Crisis Line
CRISIS_PHONE = "ccf64bcb-d6b8-5f24-809e-54b1f40169f7"


def demo_service(service_id: str) -> dict:
    with open("demo/north-shore/hsds.en.json", encoding="utf-8") as handle:
        return next(item for item in json.load(handle) if item["id"] == service_id)


def upload(client, slug: str, content, name: str = "file.json"):
    file = SimpleUploadedFile(name, json.dumps(content).encode())
    return client.post(f"/en/communities/{slug}/import/", {"file": file, "language": "en"})


@pytest.fixture
def intruder(client, demo, outsider):
    """A facilitator of Hillcrest, signed in."""
    assert client.login(username=outsider.username, password=PASSWORD)
    return client


def test_who_may_change_a_shared_record_import_cannot_replace_another_communitys_crisis_number(
    intruder, demo
):
    hostile = demo_service(CRISIS_LINE)
    hostile["phones"][0]["number"] = "900-555-0000"
    response = upload(intruder, "hillcrest", [hostile])
    assert response.status_code == 422
    rows = response.context["result"].problem_rows()
    assert [(r["where"], r["is_error"]) for r in rows if r["is_error"]] == [
        (f"file.json, [0].phones[0], phone {CRISIS_PHONE}", True)
    ]
    text = rows[0]["text"]
    assert f"phone {CRISIS_PHONE} is kept by North Shore Early Years Table: only they can change it." in text
    assert Phone.objects.get(pk=CRISIS_PHONE).number == "705-555-0199"
    assert not InventoryEntry.objects.filter(community__slug="hillcrest").exists()
    assert not AuditEntry.objects.filter(action="directory.import_hsds", community__slug="hillcrest").exists()


def test_who_may_change_a_shared_record_import_cannot_relink_another_communitys_service(intruder, demo):
    hostile = demo_service(CRISIS_LINE)
    hostile["url"] = "https://evil.example/"
    response = upload(intruder, "hillcrest", [hostile])
    assert response.status_code == 422
    errors = response.context["result"].errors
    assert [(p.table, p.record_id, p.code) for p in errors] == [
        ("service", CRISIS_LINE, "stewarded_elsewhere")
    ]
    assert Service.objects.get(pk=CRISIS_LINE).url == "https://example.org/family-crisis-line"


def test_who_may_change_a_shared_record_import_cannot_add_to_another_communitys_service(intruder, demo):
    hostile = demo_service(CRISIS_LINE)
    hostile["phones"].append({"id": uid("phone:hostile"), "number": "900-555-0000"})
    response = upload(intruder, "hillcrest", [hostile])
    assert response.status_code == 422
    [problem] = response.context["result"].errors
    assert (problem.table, problem.record_id, problem.field, problem.code) == (
        "phone",
        uid("phone:hostile"),
        "service_id",
        "attaches_elsewhere",
    )
    assert (
        f"adds this record to service {CRISIS_LINE}, which North Shore Early Years Table keeps: only they can add to it."
        in problem.message()
    )
    assert not Phone.objects.filter(pk=uid("phone:hostile")).exists()


def test_who_may_change_a_shared_record_refusal_is_whole(intruder, demo):
    """A file with a good new service and one change to another community's record writes nothing."""
    hostile = demo_service(CRISIS_LINE)
    hostile["phones"][0]["number"] = "900-555-0000"
    response = upload(intruder, "hillcrest", [service("ours"), hostile])
    assert response.status_code == 422
    assert not Service.objects.filter(pk=uid("service:ours")).exists()


def test_who_may_change_a_shared_record_another_communitys_published_service_may_be_listed(intruder, demo):
    listed = demo_service(CRISIS_LINE)
    response = upload(intruder, "hillcrest", [listed])
    assert response.status_code == 200, response.context["result"].problem_rows()
    assert InventoryEntry.objects.filter(community__slug="hillcrest", service_id=CRISIS_LINE).exists()
    assert Service.objects.get(pk=CRISIS_LINE).steward.slug == "north-shore"  # still theirs


def test_who_may_change_a_shared_record_an_unpublished_service_cannot_be_listed_elsewhere(intruder, demo):
    InventoryEntry.objects.filter(community=demo, service_id=CRISIS_LINE).update(published=False)
    response = upload(intruder, "hillcrest", [demo_service(CRISIS_LINE)])
    assert response.status_code == 422
    assert [p.code for p in response.context["result"].errors] == ["unlisted_elsewhere"]


def test_who_may_change_a_shared_record_new_records_are_kept_by_the_importing_community(
    import_file, community
):
    import_file([service("a")])
    created = Service.objects.get(pk=uid("service:a"))
    assert created.steward == community
    assert Phone.objects.get(pk=uid("phone:a")).steward == community
    entry = AuditEntry.objects.get(action="directory.import_hsds")
    assert entry.community == community


def test_who_may_change_a_shared_record_the_steward_still_changes_its_own(import_file, community):
    import_file([service("a")])
    changed = service("a")
    changed["phones"][0]["number"] = "705-555-0111"
    result = import_file([changed])
    assert result.ok
    assert Phone.objects.get(pk=uid("phone:a")).number == "705-555-0111"


def test_who_may_change_a_shared_record_the_vocabulary_is_the_sites(import_file, community):
    """The carepath vocabulary belongs to the site: a file cannot change it."""
    from carepath.directory.models import Taxonomy
    from carepath.directory.vocabulary import TAXONOMY_ID

    result = import_file(
        [
            {
                **service("a"),
                "attributes": [
                    {
                        "id": uid("attr:x"),
                        "taxonomy_term": {
                            "id": uid("term:delivery/virtual"),
                            "code": "delivery/virtual",
                            "name": "Virtual",
                            "description": "Virtual",
                            "taxonomy_detail": {
                                "id": TAXONOMY_ID,
                                "name": "carepath",
                                "description": "Renamed by a community",
                            },
                        },
                    }
                ],
            }
        ]
    )
    assert [p.code for p in result.errors] == ["stewarded_by_site"]
    assert Taxonomy.objects.get(pk=TAXONOMY_ID).description != "Renamed by a community"
