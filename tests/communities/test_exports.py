"""Downloads of a community's inventory stream in batches of services: NDJSON, JSON and the zipped CSV package
hold the same records as the one-piece export, however the services fall into batches."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from carepath.communities import exports
from carepath.communities.exports import export_bytes
from carepath.communities.models import Community
from tests.factories import service

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(import_file, community, monkeypatch):
    """Five services sharing one organization and one location, and one with no organization, in batches of two."""
    monkeypatch.setattr(exports, "EXPORT_BATCH", 2)
    lone = {key: value for key, value in service("lone").items() if key != "organization"}
    import_file([*(service(f"s{n}") for n in range(5)), lone])
    return community


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def rows(files: dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    return {name: sorted(map(tuple, csv.reader(io.StringIO(text)))) for name, text in files.items()}


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_ndjson_download_has_one_full_service_per_line(client, five):
    response = client.get("/en/communities/lakeside/export.json?format=ndjson")
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"] == 'attachment; filename="lakeside-hsds-en.ndjson"'
    lines = body(response).decode().splitlines()
    services = [json.loads(line) for line in lines]
    whole = json.loads(export_bytes(community=five))
    assert sorted(services, key=lambda s: s["id"]) == sorted(whole, key=lambda s: s["id"])
    assert len({s["id"] for s in services}) == len(services) == 6  # each once


def test_json_download_is_the_same_list_of_services(client, five):
    services = json.loads(body(client.get("/en/communities/lakeside/export.json")))
    whole = json.loads(export_bytes(community=five))
    assert sorted(services, key=lambda s: s["id"]) == sorted(whole, key=lambda s: s["id"])


def test_zip_download_streams_the_same_package_with_shared_records_once(client, five):
    response = client.get("/fr/communities/lakeside/export.zip")
    assert response["Content-Type"] == "application/zip"
    streamed = unzip(body(response))
    whole = unzip(export_bytes(community=Community.objects.get(slug="lakeside"), fmt="zip", language="fr"))
    assert set(streamed) == set(whole)
    assert rows(streamed) == rows(whole)
    assert len(rows(streamed)["organizations.csv"]) == 2  # the header and the one organization
    assert len(rows(streamed)["locations.csv"]) == 2
    assert json.loads(streamed["datapackage.json"]) == json.loads(whole["datapackage.json"])


def test_empty_inventory_downloads(client, community):
    assert json.loads(body(client.get("/en/communities/lakeside/export.json"))) == []
    assert body(client.get("/en/communities/lakeside/export.json?format=ndjson")) == b""
    files = unzip(body(client.get("/en/communities/lakeside/export.zip")))
    assert set(files) == {"services.csv", "datapackage.json"}


def test_unknown_export_format_is_refused_with_what_to_give(client, community):
    response = client.get("/en/communities/lakeside/export.json?format=xml")
    assert response.status_code == 400
    assert response.content.decode() == "format must be json or ndjson; found xml."
