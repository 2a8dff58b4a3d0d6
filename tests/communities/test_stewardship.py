"""Who may change a shared record (issue 10, item 1): only the community that keeps it, whatever the entry point."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carepath.communities.imports import import_hsds
from carepath.communities.models import Community, InventoryEntry
from carepath.communities.services import list_from_elsewhere, update_entry
from carepath.directory.models import (
    Address,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    Taxonomy,
)
from carepath.directory.vocabulary import TAXONOMY_ID
from carepath.models import AuditEntry
from tests.communities.test_views import service_form
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
    return client.post(f"/en/communities/{slug}/import/", {"file": file, "language": "en"}, follow=True)


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


# --- Forms: a community changes only what it keeps ---------------------------------------------------


def place_form(**fields) -> dict:
    return service_form(
        **{
            "places-TOTAL_FORMS": "1",
            "places-INITIAL_FORMS": "0",
            "places-0-name_en": "Our office",
            "places-0-address_1": "9 Hostile Road",
            "places-0-city": "Elsewhere",
            "places-0-state_province": "ON",
            "places-0-postal_code": "P0H 1A0",
            "places-0-country": "CA",
            **fields,
        }
    )


def test_who_may_change_a_shared_record_a_listing_form_changes_only_the_listing(client, demo, outsider):
    hillcrest = outsider.memberships.get().community
    list_from_elsewhere(community=hillcrest, service_id=CRISIS_LINE, actor=outsider)
    assert client.login(username=outsider.username, password=PASSWORD)
    url = f"/en/communities/hillcrest/services/{CRISIS_LINE}/edit/"
    page = client.get(url)
    assert page.templates[0].name == "communities/listing_form.html"
    assert "This service is kept by North Shore Early Years Table" in page.content.decode()
    response = client.post(
        url,
        {
            "service-name_en": "Hijacked",
            "service-url": "javascript:alert(1)",
            "entry-published": "on",
            "entry-referral_notes_en": "Call our hub first.",
            "entry-local_contact": "Hillcrest hub",
            "entry-revision": "0",
        },
    )
    assert response.status_code == 302
    crisis = Service.objects.get(pk=CRISIS_LINE)
    assert (crisis.name, crisis.url) == (
        "24/7 Family Crisis Line (phone, text and video)",
        "https://example.org/family-crisis-line",
    )
    assert hillcrest.entries.get(service_id=CRISIS_LINE).referral_notes_en == "Call our hub first."


def test_who_may_change_a_shared_record_list_another_communitys_published_service(intruder, demo):
    page = intruder.get("/en/communities/hillcrest/services/from-elsewhere/?q=crisis")
    assert page.status_code == 200
    listed = [entry.service_id for entry in page.context["page"]]
    assert str(CRISIS_LINE) in [str(pk) for pk in listed]
    response = intruder.post("/en/communities/hillcrest/services/from-elsewhere/", {"service": CRISIS_LINE})
    assert response.status_code == 302
    assert response["Location"] == f"/en/communities/hillcrest/services/{CRISIS_LINE}/edit/"
    assert InventoryEntry.objects.filter(community__slug="hillcrest", service_id=CRISIS_LINE).exists()
    again = intruder.get("/en/communities/hillcrest/services/from-elsewhere/?q=crisis")
    assert str(CRISIS_LINE) not in [str(entry.service_id) for entry in again.context["page"]]


@pytest.mark.parametrize("service_id", [CRISIS_LINE, "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_who_may_change_a_shared_record_only_published_services_can_be_listed(intruder, demo, service_id):
    InventoryEntry.objects.filter(community=demo, service_id=CRISIS_LINE).update(published=False)
    response = intruder.post("/en/communities/hillcrest/services/from-elsewhere/", {"service": service_id})
    assert response.status_code == 302
    assert response["Location"] == "/en/communities/hillcrest/services/from-elsewhere/"
    assert not InventoryEntry.objects.filter(community__slug="hillcrest").exists()


def test_who_may_change_a_shared_record_a_form_cannot_reach_another_communitys_place(
    client, demo, community, facilitator, import_file
):

    import_file([service("speech")])
    theirs = Location.objects.filter(steward=demo).first()
    before = (theirs.name, list(Address.objects.filter(location=theirs).values_list("address_1", flat=True)))
    assert client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(
        f"/en/communities/lakeside/services/{uid('service:speech')}/edit/",
        place_form(**{"places-0-location_id": str(theirs.pk)}),
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (
        theirs.name,
        list(Address.objects.filter(location=theirs).values_list("address_1", flat=True)),
    ) == before
    ours = Location.objects.get(name_en="Our office")
    assert ours.steward == community


def test_who_may_change_a_shared_record_a_shared_place_is_changed_only_by_its_steward(
    client, demo, community, facilitator, import_file
):
    """Lakeside offers its service at a place North Shore keeps: it may list it, not rewrite it."""

    theirs = Location.objects.filter(steward=demo).first()
    record = service("speech")
    record["service_at_locations"] = [{"id": uid("sal:shared"), "location_id": str(theirs.pk)}]
    assert import_file([record]).ok
    assert client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(
        f"/en/communities/lakeside/services/{uid('service:speech')}/edit/",
        place_form(**{"places-INITIAL_FORMS": "1", "places-0-location_id": str(theirs.pk)}),
    )
    assert response.status_code == 409
    assert "a place of this service is kept by North Shore Early Years Table" in response.content.decode()
    assert Service.objects.get(pk=uid("service:speech")).name == "Service speech"  # nothing saved
    assert Location.objects.get(pk=theirs.pk).name == theirs.name


def test_who_may_change_a_shared_record_form_edits_are_logged_under_the_steward(
    client, community, facilitator, import_file
):

    import_file([service("speech")])
    assert client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(f"/en/communities/lakeside/services/{uid('service:speech')}/edit/", service_form())
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="directory.update_service")
    assert entry.community == community


# --- Site administrators hand records over ---------------------------------------------------------------


def test_who_may_change_a_shared_record_admin_hands_a_service_with_its_parts_to_another_steward(
    client, demo, other_community, admin_user
):
    assert client.login(username=admin_user.username, password=PASSWORD)
    changelist = "/en/admin/directory/service/"
    form = client.post(changelist, {"action": "transfer", "_selected_action": [CRISIS_LINE]})
    assert form.status_code == 200
    assert "Hand services to another steward" in form.content.decode()
    done = client.post(
        changelist,
        {
            "action": "transfer",
            "_selected_action": [CRISIS_LINE],
            "apply": "1",
            "steward": other_community.pk,
        },
    )
    assert done.status_code == 302
    assert Service.objects.get(pk=CRISIS_LINE).steward == other_community
    assert set(Phone.objects.filter(service_id=CRISIS_LINE).values_list("steward__slug", flat=True)) == {
        "hillcrest"
    }
    logged = AuditEntry.objects.filter(action="directory.transfer_stewardship")
    assert {e.community.slug for e in logged} == {"north-shore", "hillcrest"}


def test_who_may_change_a_shared_record_admin_cannot_edit_directory_records_directly(
    client, demo, admin_user
):
    assert client.login(username=admin_user.username, password=PASSWORD)
    page = f"/en/admin/directory/phone/{CRISIS_PHONE}/change/"
    assert client.get(page).status_code == 200  # to read
    response = client.post(page, {"number": "900-555-0000"})
    assert response.status_code == 403
    assert Phone.objects.get(pk=CRISIS_PHONE).number == "705-555-0199"
    assert (
        client.post(f"/en/admin/directory/phone/{CRISIS_PHONE}/delete/", {"post": "yes"}).status_code == 403
    )


# --- No lost updates (issue 10, item 4) on services, listings and settings ---------------------------------


def test_no_lost_updates_a_stale_service_save_is_refused_with_who_and_when(
    client, community, facilitator, import_file
):

    import_file([service("speech")])
    assert client.login(username=facilitator.username, password=PASSWORD)
    url = f"/en/communities/lakeside/services/{uid('service:speech')}/edit/"
    first = client.post(url, service_form(**{"service-name_en": "First save"}))
    assert first.status_code == 302
    second = client.post(url, service_form(**{"service-name_en": "Second save, from an older page"}))
    assert second.status_code == 409
    [error] = second.context["form"].non_field_errors()
    assert error.startswith("Someone else changed this service since you opened it: fay, ")
    assert error.endswith("Your changes are below; check them and save again.")
    assert second.context["form"]["name_en"].value() == "Second save, from an older page"
    assert Service.objects.get(pk=uid("service:speech")).name_en == "First save"
    again = client.post(url, service_form(**{"service-name_en": "Checked", "service-revision": "1"}))
    assert again.status_code == 302


def test_no_lost_updates_an_import_after_the_form_was_opened_makes_it_stale(
    client, community, facilitator, import_file
):

    import_file([service("speech")])
    import_file([service("speech", name="Renamed by an import")])
    assert Service.objects.get(pk=uid("service:speech")).revision == 1
    assert client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(f"/en/communities/lakeside/services/{uid('service:speech')}/edit/", service_form())
    assert response.status_code == 409
    assert Service.objects.get(pk=uid("service:speech")).name_en == "Renamed by an import"


def test_no_lost_updates_a_stale_listing_save_is_refused(client, demo, outsider):
    hillcrest = outsider.memberships.get().community
    entry = list_from_elsewhere(community=hillcrest, service_id=CRISIS_LINE, actor=outsider)
    update_entry(entry=entry, revision=0, actor=outsider, local_contact="Someone else")
    assert client.login(username=outsider.username, password=PASSWORD)
    response = client.post(
        f"/en/communities/hillcrest/services/{CRISIS_LINE}/edit/",
        {"entry-published": "on", "entry-local_contact": "Mine", "entry-revision": "0"},
    )
    assert response.status_code == 409
    assert "Someone else changed how this community lists the service" in response.content.decode()
    assert hillcrest.entries.get(service_id=CRISIS_LINE).local_contact == "Someone else"


def test_no_lost_updates_stale_community_settings_are_refused(client, community, facilitator):
    data = {
        "community-name_en": "Lakeside",
        "community-name_fr": "Lakeside",
        "community-revision": "0",
        "places-TOTAL_FORMS": "0",
        "places-INITIAL_FORMS": "0",
    }
    assert client.login(username=facilitator.username, password=PASSWORD)
    assert client.post("/en/communities/lakeside/settings/", data).status_code == 302
    stale = client.post("/en/communities/lakeside/settings/", {**data, "community-name_en": "Older page"})
    assert stale.status_code == 409
    [error] = stale.context["form"].non_field_errors()
    assert error.startswith("Someone else changed the community's settings since you opened them: fay, ")
    assert Community.objects.get(pk=community.pk).name_en == "Lakeside"


# --- Found by the security test of the release ---------------------------------------------------------------

INUIT_ONLY = "431de5e7-ddf6-5e43-96e3-79aed9ae0a47"  # population/inuit


def zip_upload(client, slug: str, files: dict[str, str]):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    file = SimpleUploadedFile("package.zip", buffer.getvalue())
    return client.post(f"/en/communities/{slug}/import/", {"file": file, "language": "en"}, follow=True)


def crisis_plan_ids(client) -> list[str]:
    response = client.post(
        "/api/v1/navigator/match",
        {
            "community": "north-shore",
            "child": {"age_months": 30},
            "family": {"languages": ["en"]},
            "situation": {"urgency": "crisis"},
        },
        content_type="application/json",
    )
    return [r["id"] for r in response.json()["recommendations"]]


@pytest.mark.parametrize("entity", ["", "organization", "services"])
def test_who_may_change_a_shared_record_an_attribute_naming_another_table_is_part_of_no_service(
    client, intruder, demo, entity
):
    """An attribute belongs to the record its link_entity and link_id name together: another table's name (or
    none) never makes it part of another community's service."""
    assert CRISIS_LINE in crisis_plan_ids(client)
    attribute = f"id,link_id,link_type,link_entity,taxonomy_term_id,value\n{uid('attr:planted')},{CRISIS_LINE},,{entity},{INUIT_ONLY},only\n"
    services = f"id,name,description,status\n{uid('service:ours')},Ours,Ours,active\n"
    response = zip_upload(intruder, "hillcrest", {"services.csv": services, "attributes.csv": attribute})
    assert (
        response.status_code == 200
    )  # Ours is imported; the planted attribute belongs to none of North Shore's services
    assert CRISIS_LINE in crisis_plan_ids(client)  # still offered to every family in crisis
    page = client.get(f"/en/communities/north-shore/services/{CRISIS_LINE}/").content.decode()
    assert "Only for this population" not in page
    exported = json.loads(b"".join(client.get("/en/communities/north-shore/export.json").streaming_content))
    crisis = next(s for s in exported if s["id"] == CRISIS_LINE)
    assert INUIT_ONLY not in json.dumps(crisis)


def test_who_may_change_a_shared_record_parts_made_in_advance_for_a_future_id_are_detached(
    client, community, other_community, import_file, tmp_path
):
    """Hillcrest plants a phone for a service id Lakeside is about to import: Lakeside's service never shows it."""

    future = uid("service:future")
    path = tmp_path / "planted.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "phones.csv", f"id,service_id,number\n{uid('phone:planted')},{future},1-900-555-7777\n"
        )
    result = import_hsds(path=path, community_slug="hillcrest")
    assert result.ok, [str(p) for p in result.problems]
    assert Phone.objects.get(pk=uid("phone:planted")).service_id is not None
    mine = service("future")
    result = import_file([mine])
    assert result.ok
    assert [p.code for p in result.warnings if p.code == "orphan_detached"] == ["orphan_detached"]
    phone = Phone.objects.get(pk=uid("phone:planted"))
    assert phone.service_id is None and phone.steward == other_community
    assert list(Phone.objects.filter(service_id=future).values_list("number", flat=True)) == ["705-555-0100"]
    assert AuditEntry.objects.filter(action="directory.detach", community=other_community).exists()


def test_who_may_change_a_shared_record_references_made_in_advance_for_a_future_id_are_cleared(
    community, other_community, tmp_path
):
    """Hillcrest's service claims to be at a location id Lakeside is about to import: once Lakeside's place exists,
    Hillcrest's service is not shown there, and Lakeside's place lists none of Hillcrest's services."""

    future = uid("location:future")
    planted = uid("sal:planted")

    def zipped(name: str, files: dict[str, str]):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in files.items():
                archive.writestr(member, text)
        return path

    theirs = zipped(
        "theirs.zip",
        {
            "services.csv": f"id,name,description,status\n{uid('service:theirs')},Theirs,Theirs,active\n",
            "service_at_location.csv": f"id,service_id,location_id\n{planted},{uid('service:theirs')},{future}\n",
        },
    )
    assert import_hsds(path=theirs, community_slug="hillcrest").ok
    ours = zipped(
        "ours.zip",
        {
            "locations.csv": f"id,name,location_type\n{future},Lakeside Family Centre,physical\n",
            "services.csv": f"id,name,description,status\n{uid('service:ours')},Ours,Ours,active\n",
            "service_at_location.csv": f"id,service_id,location_id\n{uid('sal:ours')},{uid('service:ours')},{future}\n",
        },
    )
    result = import_hsds(path=ours, community_slug="lakeside")
    assert result.ok, [str(p) for p in result.problems]
    warned = [p for p in result.warnings if p.code == "orphan_detached"]
    assert [(p.table, p.record_id) for p in warned] == [("location", future)]
    assert f"service_at_location {planted}, kept by Hillcrest, named location {future}" in str(warned[0])
    assert ServiceAtLocation.objects.get(pk=planted).location_id is None
    assert sorted(
        map(str, ServiceAtLocation.objects.filter(location_id=future).values_list("service_id", flat=True))
    ) == [uid("service:ours")]


def test_who_may_change_a_shared_record_no_service_or_place_under_another_communitys_organization(
    client, intruder, demo
):

    theirs = Organization.objects.filter(steward=demo).first()
    hostile = service("impostor", name="Crisis line, 24/7 (new number)")
    hostile["organization"] = {"id": str(theirs.pk), "name": theirs.name, "description": theirs.description}
    response = upload(intruder, "hillcrest", [hostile])
    assert response.status_code == 422
    codes = {(p.table, p.field, p.code) for p in response.context["result"].errors}
    assert ("service", "organization_id", "attaches_elsewhere") in codes
    assert not Service.objects.filter(pk=uid("service:impostor")).exists()


def test_who_may_change_a_shared_record_the_service_form_offers_only_organizations_the_community_keeps(
    client, demo, community, facilitator, import_file
):

    import_file([service("speech")])
    theirs = Organization.objects.filter(steward=demo).first()
    assert client.login(username=facilitator.username, password=PASSWORD)
    url = f"/en/communities/lakeside/services/{uid('service:speech')}/edit/"
    choices = [str(pk) for pk, _ in client.get(url).context["form"].fields["organization"].choices if pk]
    assert str(theirs.pk) not in choices
    response = client.post(url, service_form(**{"service-organization": str(theirs.pk)}))
    assert response.status_code == 400
    assert "organization" in response.context["form"].errors
    created = client.post(
        "/en/communities/lakeside/services/add/",
        service_form(
            **{
                "service-organization": "",
                "service-new_organization": "Lakeside Family Centre",
                "service-revision": "",
                "entry-revision": "",
            }
        ),
    )
    assert created.status_code == 302
    organization = Organization.objects.get(name_en="Lakeside Family Centre")
    assert organization.steward == community


def test_who_may_change_a_shared_record_a_listing_ends_when_its_steward_unpublishes(client, demo, outsider):
    hillcrest = outsider.memberships.get().community
    list_from_elsewhere(community=hillcrest, service_id=CRISIS_LINE, actor=outsider)
    assert client.get(f"/en/communities/hillcrest/services/{CRISIS_LINE}/").status_code == 200
    InventoryEntry.objects.filter(community=demo, service_id=CRISIS_LINE).update(published=False)
    assert client.get(f"/en/communities/hillcrest/services/{CRISIS_LINE}/").status_code == 404
    assert client.get(f"/api/hsds/services/{CRISIS_LINE}").status_code == 404


@pytest.mark.parametrize("spelling", [CRISIS_LINE.replace("-", ""), f" {CRISIS_LINE} ", CRISIS_LINE.upper()])
def test_who_may_change_a_shared_record_an_id_spelled_another_way_is_the_same_record(
    intruder, demo, spelling
):
    hostile = demo_service(CRISIS_LINE)
    hostile["id"] = spelling
    hostile["url"] = "https://evil.example/"
    response = upload(intruder, "hillcrest", [hostile])
    assert response.status_code == 422
    assert ("service", CRISIS_LINE, "stewarded_elsewhere") in {
        (p.table, p.record_id, p.code) for p in response.context["result"].errors
    }
    assert Service.objects.get(pk=CRISIS_LINE).url == "https://example.org/family-crisis-line"
