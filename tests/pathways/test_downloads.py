"""Downloads of a pathway version: pathway JSON and FHIR files, for whoever may read the version."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from carepath.pathways import documents, services
from carepath.pathways.models import PathwayVersion
from tests.conftest import PASSWORD
from tests.pathways.conftest import publish_reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(community):
    return services.publish_template(community=community)


@pytest.fixture
def draft(published):
    return services.start_draft(community=published.pathway.community, actor=None, from_version=published)


def url(number: int, fmt: str, language: str = "en") -> str:
    return f"/{language}/communities/lakeside/pathway/versions/{number}/download/{fmt}/"


def test_anyone_downloads_the_published_pathway_as_a_named_json_file(client, published):
    response = client.get(url(published.number, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="lakeside-pathway-v1.json"'
    document = json.loads(response.content.decode("utf-8"))
    assert documents.schema_errors(document) == []
    assert (document["version"], document["status"], document["community"]) == (1, "published", "lakeside")
    assert published.title_fr in response.content.decode("utf-8")  # French as written, not \u-escaped
    assert "no-store" not in response.get("Cache-Control", "")


def test_anyone_downloads_the_published_pathway_as_a_fhir_bundle(client, published):
    response = client.get(url(published.number, "fhir", "fr"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.3"
    assert response["Content-Disposition"] == 'attachment; filename="lakeside-pathway-v1.fhir.json"'
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    plan = bundle["entry"][0]["resource"]
    assert (plan["resourceType"], plan["version"], plan["status"]) == ("PlanDefinition", "1", "active")


def test_the_download_is_the_file_the_command_writes(client, published, tmp_path):
    call_command("export-pathway", str(tmp_path / "out.json"), community="lakeside", format="json")
    assert client.get(url(published.number, "json")).content == (tmp_path / "out.json").read_bytes()


def test_drafts_download_only_for_the_table(client, draft, member, outsider):
    for fmt in ("json", "fhir"):
        assert client.get(url(draft.number, fmt)).status_code == 404  # a visitor
    client.login(username=outsider.username, password=PASSWORD)
    for fmt in ("json", "fhir"):
        assert client.get(url(draft.number, fmt)).status_code == 404
    client.login(username=member.username, password=PASSWORD)
    response = client.get(url(draft.number, "json"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="lakeside-pathway-v{draft.number}.json"'
    assert json.loads(response.content)["status"] == "draft"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    fhir = client.get(url(draft.number, "fhir"))
    assert fhir.status_code == 200
    assert json.loads(fhir.content)["entry"][0]["resource"]["status"] == "draft"


def test_a_retired_version_stays_downloadable_and_unknown_ones_are_404(client, published, draft):
    publish_reviewed(draft)
    published.refresh_from_db()
    assert published.status == PathwayVersion.Status.RETIRED
    response = client.get(url(published.number, "json"))
    assert response.status_code == 200 and json.loads(response.content)["status"] == "retired"
    assert client.get(url(99, "json")).status_code == 404
    assert client.get("/en/communities/nowhere/pathway/versions/1/download/json/").status_code == 404
    assert client.get("/en/communities/lakeside/pathway/versions/1/download/xml/").status_code == 404
    assert client.post(url(published.number, "json")).status_code == 405


def test_the_pathway_page_and_each_version_page_link_to_their_downloads(client, published, draft, member):
    page = client.get("/en/communities/lakeside/pathway/").content.decode()
    assert f'href="{url(1, "json")}" download' in page and f'href="{url(1, "fhir")}" download' in page
    assert ">Download JSON</a>" in page and ">Download FHIR</a>" in page
    client.login(username=member.username, password=PASSWORD)
    page = client.get(f"/fr/communities/lakeside/pathway/versions/{draft.number}/").content.decode()
    assert f'href="{url(draft.number, "json", "fr")}" download' in page
    assert f'href="{url(draft.number, "fhir", "fr")}" download' in page
    assert ">Télécharger en JSON</a>" in page and ">Télécharger en FHIR</a>" in page
