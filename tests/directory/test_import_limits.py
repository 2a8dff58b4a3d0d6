"""Uploads that cannot sink a worker (issue 10, item 6): every limit gives a clear error, never a 500."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carepath.communities.imports import import_hsds
from carepath.directory.models import Service
from carepath.practices import instruments
from tests.conftest import PASSWORD, _user
from tests.factories import service

pytestmark = pytest.mark.django_db

HEADER = "id,organization_id,name,status\n"


def package(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def codes(result) -> list[str]:
    return [p.code for p in result.errors]


@pytest.fixture
def signed_in(client, facilitator):
    assert client.login(username=facilitator.username, password=PASSWORD)
    return client


def post(client, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    return client.post("/en/communities/lakeside/import/", {"file": upload, "language": "en"}, follow=True)


def test_uploads_that_cannot_sink_a_worker_zip_bomb_is_refused_before_it_expands(signed_in):
    bomb = package({"services.csv": HEADER.encode() + b"0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # 30 MB that travel as a few tens of kB
    response = post(signed_in, "bomb.zip", bomb)
    assert response.status_code == 422
    [problem] = response.context["result"].errors
    assert problem.code == "zip_ratio"
    assert problem.where == "services.csv"
    assert "looks like a zip bomb" in problem.message()
    assert Service.objects.count() == 0


def test_uploads_that_cannot_sink_a_worker_expanded_size_is_bounded(settings, import_file, tmp_path):
    settings.CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES = 100_000
    settings.CAREPATH_IMPORT_MAX_RATIO = 10_000
    path = tmp_path / "big.zip"
    path.write_bytes(package({"services.csv": HEADER.encode() + b"x" * 200_000}))

    result = import_hsds(path=path, community_slug="lakeside")
    assert codes(result) == ["package_too_large"]
    assert "CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES" in result.errors[0].message()
    big_json = json.dumps([service(f"s{i}") for i in range(150)])
    assert len(big_json) > 100_000
    assert codes(import_file(big_json)) == ["file_too_large"]


def test_uploads_that_cannot_sink_a_worker_zip_paths_outside_the_package_are_refused(signed_in):
    response = post(
        signed_in, "escape.zip", package({"services.csv": HEADER.encode(), "../../etc/cron.d/x": b"boom"})
    )
    assert response.status_code == 422
    [problem] = response.context["result"].errors
    assert (problem.code, problem.params["path"]) == ("zip_path", "../../etc/cron.d/x")
    response = post(signed_in, "absolute.zip", package({"/tmp/evil.csv": b"x"}))  # noqa: S108
    assert [p.code for p in response.context["result"].errors] == ["zip_path"]


def test_uploads_that_cannot_sink_a_worker_too_many_files(settings, signed_in):
    settings.CAREPATH_IMPORT_MAX_FILES = 5
    response = post(signed_in, "many.zip", package({f"f{i}.csv": b"id\n" for i in range(6)}))
    assert [p.code for p in response.context["result"].errors] == ["package_files"]


def test_uploads_that_cannot_sink_a_worker_csv_cell_and_columns_are_bounded(settings, signed_in):
    settings.CAREPATH_IMPORT_MAX_FIELD_BYTES = 1000
    long_cell = HEADER.encode() + b'1,2,"' + b"x" * 5000 + b'",active\n'
    response = post(signed_in, "cell.zip", package({"services.csv": long_cell}))
    [problem] = response.context["result"].errors
    assert (problem.code, problem.file, problem.where) == ("csv_field_too_large", "services.csv", "row 2")
    wide = ",".join(["id", *[f"c{i}" for i in range(150)]]).encode() + b"\n"
    response = post(signed_in, "wide.zip", package({"services.csv": wide}))
    [problem] = response.context["result"].errors
    assert (problem.code, problem.where, problem.params["count"]) == ("csv_columns", "row 1", 151)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_uploads_that_cannot_sink_a_worker_deep_json_is_refused(signed_in, depth):
    response = post(signed_in, "deep.json", b"[" * depth + b"]" * depth)
    assert response.status_code == 422
    assert [p.code for p in response.context["result"].errors] == ["json_too_deep"]


def test_uploads_that_cannot_sink_a_worker_deep_geojson_extent_is_refused(import_file):
    extent = "[" * 50_000 + "]" * 50_000
    record = service(
        "a",
        service_areas=[
            {"id": "9b1f8f0e-8b7a-4c58-9a55-1a2b3c4d5e6f", "extent": extent, "extent_type": "geojson"}
        ],
    )
    result = import_file([record])
    assert result.ok  # not a Polygon: kept as given, with a warning, and never parsed again
    assert [p.code for p in result.warnings if p.table == "service_area"] == ["placeholder_extent"]


def test_uploads_that_cannot_sink_a_worker_upload_is_stopped_at_the_limit(settings, signed_in):
    settings.CAREPATH_MAX_IMPORT_BYTES = 10_000
    response = post(signed_in, "large.json", b"[" + b" " * 50_000 + b"]")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file is larger than the 10000 bytes allowed for an upload."
    ]


def test_uploads_that_cannot_sink_a_worker_deep_json_to_the_api_is_a_400(client):
    response = client.post(
        "/api/v1/navigator/match", data="[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"request": ["The body is not valid JSON: The JSON is nested more than 32 levels deep."]}
    }


def test_uploads_that_cannot_sink_a_worker_deep_instrument_file_is_refused():
    document, problems = instruments.read(b"{" + b'"a":{' * 5000 + b"}" * 5001, "deep.json")
    assert document is None
    assert problems == ["deep.json: the JSON is nested more than 32 levels deep."]


def test_uploads_that_cannot_sink_a_worker_upload_still_needs_its_csrf_token(facilitator):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=facilitator.username, password=PASSWORD)
    response = post(client, "good.json", json.dumps([service("a")]).encode())
    assert response.status_code == 403
    assert Service.objects.count() == 0


def test_uploads_that_cannot_sink_a_worker_instrument_upload_is_stopped_at_its_limit(settings, client, db):
    settings.CAREPATH_INSTRUMENT_MAX_BYTES = 5_000
    editor = _user("eddie", working_group_role="editor")
    assert client.login(username=editor.username, password=PASSWORD)
    upload = SimpleUploadedFile("big.json", b"{" + b" " * 20_000 + b"}")
    response = client.post("/en/practices/instruments/", {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is larger than the 5000 bytes allowed for an upload."
    ]


def test_uploads_that_cannot_sink_a_worker_an_oversized_api_body_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/navigator/match", data="[" + " " * 5000 + "]", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"request": ["The request is larger than 1000 bytes."]}}


def test_uploads_that_cannot_sink_a_worker_numbers_too_long_to_read_are_refused(import_file):
    result = import_file(
        '[{"id": "00000000-0000-4000-8000-000000000009", "minimum_age": ' + "9" * 5000 + "}]"
    )
    assert [p.code for p in result.errors] == ["json_number"]
    document, problems = instruments.read(b'{"code": ' + b"9" * 5000 + b"}", "long.json")
    assert (document, problems) == (None, ["long.json: the JSON holds a number of more than 4300 digits."])


def test_uploads_that_cannot_sink_a_worker_a_million_bad_rows_give_a_bounded_list(signed_in):
    rows = b"number,id\n" + b"a\n" * 200_000
    response = post(signed_in, "rows.zip", package({"phones.csv": rows, "languages.csv": rows}))
    assert response.status_code == 422
    result = response.context["result"]
    assert len(result.errors) == 500  # and the warning that languages have no "number"
    assert result.error_count == 400_000
    assert b"399500 more problems of the same kinds are not listed" in response.content
