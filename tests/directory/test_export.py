"""Exports validate against the official HSDS 3.0 schemas and round-trip without loss."""

from __future__ import annotations

import json
import zipfile
from functools import cache

import jsonschema
import pytest

from carepath.communities.exports import export_bytes, export_community
from carepath.communities.imports import import_hsds
from carepath.communities.models import Community
from tests.conftest import official
from tests.factories import service

pytestmark = pytest.mark.django_db


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(official("3.0", f"schema/compiled/{name}").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid(name: str, document) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def exported(slug: str = "examples", **options) -> list[dict]:
    return json.loads(export_bytes(community=Community.objects.get(slug=slug), **options))


@pytest.mark.parametrize("version", ["3.0", "3.1-dev"])
def test_exported_services_validate_against_the_official_schema(version):
    import_hsds(path=official(version, "examples/service_full.json"), community_slug="examples")
    [document] = exported()
    assert_valid("service.json", document)
    assert document["organization"]["name"] == "Example Organization Inc."


def test_export_keeps_every_value_of_the_official_example():
    original = json.loads(official("3.0", "examples/service_full.json").read_text())
    import_hsds(path=official("3.0", "examples/service_full.json"), community_slug="examples")
    [document] = exported()

    def contained(expected, actual, path="service"):
        if isinstance(expected, dict):
            for key, value in expected.items():
                if (path.endswith(".attributes[0]") and key == "link_entity") or (
                    ".metadata[" in path and key == "resource_type"
                ):
                    continue  # nested attributes and metadata belong to the record they are nested in
                assert key in actual, f"{path}.{key} is missing"
                contained(value, actual[key], f"{path}.{key}")
        elif isinstance(expected, list):
            assert len(actual) == len(expected), path
            for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
                contained(e, a, f"{path}[{index}]")
        else:
            assert actual == expected, path

    contained(original, document)


def test_json_round_trip_loses_nothing(tmp_path, import_file):
    import_file(
        [service("a", terms=[("delivery/virtual", None), ("wait-days", "12")]), service("b")],
        community="lakeside",
    )
    first = exported("lakeside")
    (tmp_path / "first.json").write_text(json.dumps(first))
    import_hsds(path=tmp_path / "first.json", community_slug="copy")
    second = exported("copy")
    assert second == first
    again = import_hsds(path=tmp_path / "first.json", community_slug="copy")
    assert again.total("created") == 0 and again.total("updated") == 0


def test_both_languages_export_and_round_trip(tmp_path, import_file):
    import_file(service("a", name="Parenting group"))
    import_file(service("a", name="Groupe de parents"), language="fr")
    english, french = exported("lakeside", language="en"), exported("lakeside", language="fr")
    assert (english[0]["name"], french[0]["name"]) == ("Parenting group", "Groupe de parents")
    assert english[0]["description"] == french[0]["description"]  # no French text: English is given


def test_csv_package_reimports_to_the_same_json(tmp_path, import_file):
    import_file([service("a", terms=[("population/francophone", "focus")]), service("b")])
    community = Community.objects.get(slug="lakeside")
    export_community(community=community, out=tmp_path / "package.zip", fmt="csv")
    with zipfile.ZipFile(tmp_path / "package.zip") as archive:
        names = set(archive.namelist())
        descriptor = json.loads(archive.read("datapackage.json"))
    assert sorted(names) == [  # the tables these records fill, and the descriptor
        "addresses.csv",
        "attributes.csv",
        "datapackage.json",
        "languages.csv",
        "locations.csv",
        "organizations.csv",
        "phones.csv",
        "service_at_location.csv",
        "services.csv",
        "taxonomies.csv",
        "taxonomy_terms.csv",
    ]
    assert {r["path"] for r in descriptor["resources"]} == names - {"datapackage.json"}
    result = import_hsds(path=tmp_path / "package.zip", community_slug="from-csv")
    assert result.ok, [str(p) for p in result.errors]
    assert exported("from-csv") == exported("lakeside")


def test_csv_folder_export(tmp_path, import_file):
    import_file(service("a"))
    count = export_community(
        community=Community.objects.get(slug="lakeside"), out=tmp_path / "out", fmt="csv"
    )
    assert count == 1
    header = (tmp_path / "out" / "services.csv").read_text().splitlines()[0]
    assert header.startswith("id,organization_id,program_id,name,alternate_name,description")


def test_unpublished_services_stay_out_of_public_exports(import_file):
    import_file([service("a"), service("b")])
    community = Community.objects.get(slug="lakeside")
    community.entries.filter(service__name_en="Service b").update(published=False)
    assert [s["name"] for s in exported("lakeside")] == ["Service a"]
    assert len(json.loads(export_bytes(community=community, published_only=False))) == 2
