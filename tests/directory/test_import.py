"""Importing HSDS files into the directory: all or nothing, upsert by id, both languages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carepath.communities.imports import import_hsds
from carepath.communities.models import Community, InventoryEntry
from carepath.directory.models import Attribute, Organization, Phone, Service
from carepath.models import AuditEntry
from tests.conftest import official
from tests.factories import service, term_id, uid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version", ["3.0", "3.1-dev"])
@pytest.mark.parametrize("name", ["examples/service_full.json", "examples/service_list.json", "examples/csv"])
def test_official_examples_import(version, name):
    result = import_hsds(path=official(version, name), community_slug="examples")
    assert result.ok, [str(p) for p in result.errors]
    assert Service.objects.filter(pk="ac148810-d857-441c-9679-408f346de14b").exists()
    assert Community.objects.get(slug="examples").entries.count() == 1


def test_reimporting_the_same_file_changes_nothing():
    path = official("3.0", "examples/service_full.json")
    first = import_hsds(path=path, community_slug="examples")
    before = Service.objects.values("last_modified").get()
    second = import_hsds(path=path, community_slug="examples")
    assert first.total("created") == 20
    assert second.total("created") == 0 and second.total("updated") == 0
    assert second.total("unchanged") == 20
    assert second.added_to_inventory == 0 and not second.changed
    assert Service.objects.values("last_modified").get() == before


def test_one_invalid_record_means_nothing_is_written(import_file):
    result = import_file([service("fine"), service("broken", status="open")])
    assert not result.ok
    assert [(p.record_id, p.field) for p in result.errors] == [(uid("service:broken"), "status")]
    assert Service.objects.count() == 0
    assert Organization.objects.count() == 0
    assert not Community.objects.filter(slug="lakeside").exists()
    assert not AuditEntry.objects.exists()


def test_upsert_updates_changed_records_and_reports_them(import_file):
    import_file([service("a"), service("b")])
    changed = service("b", name="A new name")
    result = import_file([service("a"), changed])
    assert result.counts["service"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert Service.objects.get(pk=uid("service:b")).name_en == "A new name"


def test_last_modified_moves_only_when_a_service_changes(import_file):
    import_file(service("a"))
    stamp = Service.objects.get().last_modified
    import_file(service("a"))
    assert Service.objects.get().last_modified == stamp
    import_file(service("a", description="Now with a better description."))
    assert Service.objects.get().last_modified > stamp


def test_french_import_fills_the_french_text_and_keeps_the_english(import_file):
    import_file(service("a", name="Parenting group"))
    french = service("a", name="Groupe de parents")
    french["description"] = "Ce que le service fait pour les familles."
    result = import_file(french, language="fr")
    assert result.ok and result.counts["service"]["updated"] == 1
    record = Service.objects.get()
    assert (record.name_en, record.name_fr) == ("Parenting group", "Groupe de parents")
    assert record.description_fr == "Ce que le service fait pour les familles."


def test_fields_a_partial_record_leaves_out_keep_their_values(import_file):
    import_file(service("a", alert="Closed on Fridays in July."))
    partial = {"id": uid("service:a"), "name": "Service a", "status": "inactive"}
    import_file([partial])
    record = Service.objects.get()
    assert record.status == "inactive"
    assert record.alert_en == "Closed on Fridays in July."


def test_carepath_terms_become_attributes_on_the_vocabulary(import_file):
    result = import_file(
        service(
            "a", terms=[("delivery/virtual", None), ("wait-days", "30"), ("population/first-nations", "only")]
        )
    )
    assert result.ok
    values = dict(Attribute.objects.filter(link_id=uid("service:a")).values_list("taxonomy_term_id", "value"))
    assert {str(k): v for k, v in values.items()} == {
        term_id("delivery/virtual"): None,
        term_id("wait-days"): "30",
        term_id("population/first-nations"): "only",
    }


def test_shared_records_are_stored_once(import_file):
    import_file([service("a"), service("b")])
    assert Organization.objects.count() == 1
    assert Phone.objects.count() == 2
    assert InventoryEntry.objects.filter(community__slug="lakeside").count() == 2


def test_command_exits_non_zero_and_lists_every_problem(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('[{"id": "not-a-uuid", "name": "X", "status": "open"}]')
    with pytest.raises(CommandError) as raised:
        call_command("import-hsds", str(path), community="lakeside")
    assert raised.value.returncode == 1
    err = capsys.readouterr().err
    assert "error: broken.json, [0], service not-a-uuid, id: id must be a UUID; found not-a-uuid." in err
    assert (
        "error: broken.json, [0], service not-a-uuid, status: status must be one of active, inactive, defunct, "
        "temporarily closed; found open."
    ) in err
    assert Service.objects.count() == 0


def test_command_reports_what_it_imported(capsys):
    call_command("import-hsds", str(official("3.0", "examples/csv")), community="examples", name="Examples")
    out = capsys.readouterr().out
    assert "Imported 1 service(s) into examples: 21 record(s) created, 0 updated, 0 unchanged" in out
    assert Community.objects.get(slug="examples").name_en == "Examples"


def test_the_import_is_audit_logged(import_file):
    import_file(service("a"))
    entry = AuditEntry.objects.get(action="directory.import_hsds")
    assert entry.community.slug == "lakeside"
    assert entry.data["counts"]["service"] == {"created": 1, "updated": 0, "unchanged": 0}
