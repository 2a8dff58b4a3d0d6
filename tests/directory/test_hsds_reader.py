"""The pure HSDS reader and validator: official examples, and every kind of broken input."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from carepath.directory import vocabulary
from carepath.directory.hsds import reader, validate
from tests.conftest import official
from tests.factories import service, uid

VOCAB = vocabulary.load()


def check(path: Path):
    data = reader.read(path)
    if not data.errors:
        validate.validate(data, vocabulary=VOCAB)
    return data


def write(tmp_path: Path, document, name: str = "file.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("version", ["3.0", "3.1-dev"])
@pytest.mark.parametrize("name", ["examples/service_full.json", "examples/service_list.json", "examples/csv"])
def test_official_examples_read_without_errors(version, name):
    data = check(official(version, name))
    assert data.errors == []
    assert len(data.records["service"]) == 1
    assert "organization" in data.records


def test_full_example_is_flattened_into_every_table():
    data = check(official("3.0", "examples/service_full.json"))
    service_id = "ac148810-d857-441c-9679-408f346de14b"
    assert set(data.records) >= {
        "service",
        "organization",
        "program",
        "location",
        "address",
        "phone",
        "contact",
        "schedule",
        "service_area",
        "language",
        "funding",
        "cost_option",
        "required_document",
        "accessibility",
        "attribute",
        "taxonomy_term",
        "taxonomy",
        "service_at_location",
        "metadata",
        "organization_identifier",
    }
    assert data.records["service"][service_id]["organization_id"] == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert data.records["cost_option"]["1fdf4d39-3d80-484d-9f92-a8ffa08621e7"]["service_id"] == service_id
    sal = data.records["service_at_location"]["e94c9f38-1e8f-4564-91d4-d53501ab1765"]
    assert sal["location_id"] == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    attribute = next(iter(data.records["attribute"].values()))
    assert attribute["link_id"] == service_id and attribute["link_entity"] == "service"


def test_placeholder_extent_is_kept_with_a_warning():
    data = check(official("3.0", "examples/service_full.json"))
    [warning] = [p for p in data.warnings if p.code == "placeholder_extent"]
    assert warning.field == "extent" and warning.table == "service_area"
    assert data.records["service_area"]["381c64f1-a724-4884-9c21-ac96c21cca3e"]["extent"] == "extent"


def test_broken_json_names_line_and_column(tmp_path):
    data = check(write(tmp_path, '[{"id": "x",\n  "name": }]'))
    [problem] = data.errors
    assert problem.code == "json_syntax"
    assert problem.file == "file.json"
    assert problem.params["line"] == 2 and problem.params["column"] == 11


def test_every_problem_is_collected_with_record_and_field(tmp_path):
    good = service("good")
    bad = service("bad", status="open", minimum_age="two", email="not-an-email")
    bad["phones"][0]["id"] = "not-a-uuid"
    del bad["name"]
    data = check(write(tmp_path, [good, bad]))
    found = {(p.table, p.field, p.code) for p in data.errors}
    assert found == {
        ("service", "status", "bad_enum"),
        ("service", "minimum_age", "not_number"),
        ("service", "email", "bad_email"),
        ("service", "name", "required"),
        ("phone", "id", "bad_uuid"),
    }
    status = next(p for p in data.errors if p.field == "status")
    assert status.record_id == uid("service:bad")
    assert status.where == "[1]"
    assert "active, inactive, defunct, temporarily closed" in status.message()


def test_csv_problems_name_the_file_and_row(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "resources": [
                    {"name": "organization", "path": "organizations.csv"},
                    {"name": "service", "path": "services.csv"},
                ]
            }
        )
    )
    (folder / "organizations.csv").write_text(f"id,name,description\n{uid('o')},Org,An org\n")
    (folder / "services.csv").write_text(
        "id,organization_id,name,status,maximum_age\n"
        f"{uid('s1')},{uid('o')},Fine,active,6\n"
        f"{uid('s2')},{uid('o')},Broken,closed,six\n"
    )
    data = check(folder)
    assert [(p.file, p.where, p.field, p.code) for p in data.errors] == [
        ("services.csv", "row 3", "status", "bad_enum"),
        ("services.csv", "row 3", "maximum_age", "not_number"),
    ]
    assert data.records["service"][uid("s1")]["maximum_age"] == 6


def test_zip_package_with_its_folder_inside(tmp_path):
    archive = tmp_path / "directory.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(
            "export/datapackage.json",
            json.dumps({"resources": [{"name": "service", "path": "services.csv"}]}),
        )
        handle.writestr("export/services.csv", f"id,name,status\n{uid('z')},Zipped,active\n")
    data = check(archive)
    assert data.errors == []
    assert data.records["service"][uid("z")]["name"] == "Zipped"


def test_csv_files_not_read_are_named(tmp_path):
    """Without a descriptor, a CSV file with another name (a plural, a folder) is named, not silently skipped."""
    archive = tmp_path / "directory.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("services.csv", f"id,name,status\n{uid('z')},Zipped,active\n")
        handle.writestr("service_at_locations.csv", "id,service_id,location_id\n")
        handle.writestr("extra/phones.csv", "id,number\n")
    data = check(archive)
    assert data.errors == []
    assert sorted((p.code, p.file) for p in data.warnings) == [
        ("file_unknown", "extra/phones.csv"),
        ("file_unknown", "service_at_locations.csv"),
    ]
    assert "without a datapackage.json" in str(data.warnings[0])
    assert list(data.records["service"]) == [uid("z")]


def test_datapackage_cannot_reach_outside_the_package(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (tmp_path / "secret.csv").write_text("id,name,status\n")
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "service", "path": "../secret.csv"}]})
    )
    data = check(folder)
    assert [p.code for p in data.errors] == ["resource_path"]


def test_unknown_vocabulary_code_lists_the_valid_ones(tmp_path):
    data = check(write(tmp_path, service("s", terms=[("delivery/telepathy", None)])))
    [problem] = data.errors
    assert problem.code == "vocabulary_code" and problem.field == "code"
    assert "delivery/telepathy" in problem.message()
    assert "in-person, home-visit, virtual, phone, group, self-directed" in problem.message()


def test_vocabulary_terms_are_matched_by_code_to_the_canonical_ids(tmp_path):
    data = check(
        write(tmp_path, service("s", terms=[("delivery/virtual", None), ("population/inuit", "only")]))
    )
    assert data.errors == []
    assert data.records["taxonomy_term"] == {}  # the terms are the vocabulary's, not new records
    linked = {a["taxonomy_term_id"] for a in data.records["attribute"].values()}
    assert linked == {vocabulary.term_id("delivery/virtual"), vocabulary.term_id("population/inuit")}


@pytest.mark.parametrize(
    ("code", "value", "problem"),
    [
        ("population/first-nations", "maybe", "vocabulary_value"),
        ("population/first-nations", None, "vocabulary_value"),
        ("wait-days", "two weeks", "vocabulary_days"),
        ("wait-days", "-3", "vocabulary_days"),
    ],
)
def test_vocabulary_values_are_checked(tmp_path, code, value, problem):
    data = check(write(tmp_path, service("s", terms=[(code, value)])))
    assert [p.code for p in data.errors] == [problem]


def test_conflicting_copies_of_one_record_are_an_error(tmp_path):
    first, second = service("a"), service("b")
    second["organization"]["name"] = "Another name for the same organization"
    data = check(write(tmp_path, [first, second]))
    assert [(p.code, p.table, p.field) for p in data.errors] == [
        ("duplicate_conflict", "organization", "name")
    ]


def test_dangling_reference_is_a_warning_not_an_error(tmp_path):
    record = service("s")
    record["program_id"] = uid("program:elsewhere")
    data = check(write(tmp_path, record))
    assert data.errors == []
    assert [p.code for p in data.warnings] == ["dangling_reference"]


@pytest.mark.parametrize("content", ["", "null", "42", '{"hello": "world"}', "[1, 2]"])
def test_files_that_are_not_hsds_are_refused(tmp_path, content):
    data = check(write(tmp_path, content))
    assert data.errors, content


def test_ages_out_of_order_are_refused(tmp_path):
    data = check(write(tmp_path, service("s", minimum_age=5, maximum_age=2)))
    assert [p.code for p in data.errors] == ["ages_reversed"]


def test_invalid_geojson_is_an_error_and_a_valid_polygon_passes(tmp_path):
    ring = [[-79.5, 46.2], [-79.3, 46.2], [-79.3, 46.4], [-79.5, 46.4], [-79.5, 46.2]]
    good = service(
        "good",
        service_areas=[
            {
                "id": uid("area:good"),
                "extent_type": "geojson",
                "extent": json.dumps({"type": "Polygon", "coordinates": [ring]}),
            }
        ],
    )
    bad = service(
        "bad",
        service_areas=[
            {
                "id": uid("area:bad"),
                "extent_type": "geojson",
                "extent": json.dumps({"type": "Polygon", "coordinates": [ring[:-1]]}),
            }
        ],
    )
    data = check(write(tmp_path, [good, bad]))
    assert [(p.record_id, p.code) for p in data.errors] == [(uid("area:bad"), "bad_geojson")]


def test_nul_characters_are_refused(tmp_path):
    data = check(write(tmp_path, service("s", description="Hidden\u0000text")))
    assert [(p.field, p.code) for p in data.errors] == [("description", "nul_character")]


def test_csv_with_nul_bytes_is_refused_whole(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "services.csv").write_bytes(b"id,name,status\n" + uid("s").encode() + b",Na\x00me,active\n")
    data = check(folder)
    assert [(p.file, p.code) for p in data.errors] == [("services.csv", "nul_character")]
