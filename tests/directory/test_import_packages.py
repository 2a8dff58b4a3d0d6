"""Importing tabular data packages, which are checked row by row and written without holding their rows
(``hsds/stream.py``; on PostgreSQL through a staging table, ``staging.py``)."""

from __future__ import annotations

import json

import pytest

from carepath.communities.imports import import_hsds
from carepath.directory.models import Organization, Phone, Service
from tests.factories import uid

pytestmark = pytest.mark.django_db

ORG = uid("org:package")
HEADER = "id,organization_id,name,description,status,email,minimum_age\n"


def package(folder, files: dict[str, str]):
    folder.mkdir(exist_ok=True)
    names = {"organizations.csv": "organization", "services.csv": "service", "phones.csv": "phone"}
    resources = [{"name": names[path], "path": path} for path in files]
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}))
    for path, text in files.items():
        (folder / path).write_text(text)
    return folder


def services(*rows: str) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


def test_a_package_imports_then_updates_only_what_changed(tmp_path):
    first = package(
        tmp_path / "first",
        {
            "organizations.csv": f"id,name,description\n{ORG},Lakeside,Family services\n",
            "services.csv": services(
                f"{uid('service:a')},{ORG},Play group,Weekly,active,a@example.org,0",
                f"{uid('service:b')},{ORG},Speech clinic,Assessments,active,b@example.org,1.5",
            ),
        },
    )
    result = import_hsds(path=first, community_slug="lakeside")
    assert result.ok, [str(p) for p in result.errors]
    assert result.counts["service"] == {"created": 2, "updated": 0, "unchanged": 0}
    b = Service.objects.get(pk=uid("service:b"))
    assert (b.name_en, b.name, b.minimum_age, b.email, b.revision) == (
        "Speech clinic",
        "Speech clinic",
        1.5,
        "b@example.org",
        0,
    )

    again = import_hsds(path=first, community_slug="lakeside")
    assert again.counts["service"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Service.objects.get(pk=uid("service:b")).last_modified == b.last_modified

    # The second file renames b, leaves its email empty (cleared) and gives no minimum_age (kept).
    second = package(
        tmp_path / "second",
        {
            "services.csv": "id,organization_id,name,description,status,email\n"
            f"{uid('service:a')},{ORG},Play group,Weekly,active,a@example.org\n"
            f"{uid('service:b')},{ORG},Speech and language clinic,Assessments,active,\n"
        },
    )
    changed = import_hsds(path=second, community_slug="lakeside")
    assert changed.counts["service"] == {"created": 0, "updated": 1, "unchanged": 1}
    b2 = Service.objects.get(pk=uid("service:b"))
    assert (b2.name_en, b2.email, b2.minimum_age, b2.revision) == ("Speech and language clinic", None, 1.5, 1)
    assert b2.last_modified > b.last_modified
    assert Service.objects.get(pk=uid("service:a")).revision == 0


def test_a_record_on_two_rows_is_one_record_and_its_rows_must_agree(tmp_path):
    same = package(
        tmp_path / "same",
        {
            "organizations.csv": f"id,name,description,email\n{ORG},Lakeside,Family services,\n"
            f"{ORG},Lakeside,Family services,hello@example.org\n",
            "phones.csv": f"id,organization_id,number\n{uid('phone:1')},{ORG},705-555-0100\n",
        },
    )
    result = import_hsds(path=same, community_slug="lakeside")
    assert result.ok, [str(p) for p in result.errors]
    assert result.counts["organization"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert Organization.objects.get().email == "hello@example.org"

    conflict = package(
        tmp_path / "conflict",
        {"organizations.csv": f"id,name,description\n{ORG},Lakeside,A\n{ORG},Lakeshore,A\n"},
    )
    result = import_hsds(path=conflict, community_slug="lakeside")
    assert [(p.code, p.file, p.where, p.field) for p in result.errors] == [
        ("duplicate_conflict", "organizations.csv", "row 3", "name")
    ]


def test_problems_name_the_file_and_row_and_nothing_is_written(tmp_path):
    folder = package(
        tmp_path / "bad",
        {
            "services.csv": services(
                f"{uid('service:a')},{uid('org:elsewhere')},Play group,Weekly,active,a@example.org,0",
                f"{uid('service:b')},,Speech clinic,Assessments,closed,b@example.org,six",
            ),
            "phones.csv": f"id,service_id,number\n{uid('phone:1')},{uid('service:b')},705-555-0100\n",
        },
    )
    result = import_hsds(path=folder, community_slug="lakeside")
    assert sorted((p.file, p.where, p.field, p.code) for p in result.errors) == [
        ("services.csv", "row 3", "minimum_age", "not_number"),
        ("services.csv", "row 3", "status", "bad_enum"),
    ]
    assert [(p.where, p.field, p.code) for p in result.warnings] == [
        ("row 2", "organization_id", "dangling_reference")
    ]
    assert not Service.objects.exists() and not Phone.objects.exists()
