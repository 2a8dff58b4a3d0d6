"""The pathways API: read published versions, members see drafts, editors create drafts; bad input is named."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from carepath.pathways import documents, services
from carepath.pathways.models import PathwayVersion
from tests.conftest import PASSWORD
from tests.query_counts import api, assert_queries_do_not_grow

from .conftest import add_screening_clinic, add_version, publish_reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(community):
    return services.publish_template(community=community)


def test_published_pathway_round_trips_to_the_schema(client, published):
    body = client.get("/api/v1/communities/lakeside/pathway").json()
    assert documents.schema_errors(body) == []
    assert body["version"] == 1 and body["status"] == "published" and body["title"]["fr"]


def test_drafts_are_for_the_table(client, published, member):
    services.start_draft(community=published.pathway.community, actor=None, from_version=published)
    assert [v["number"] for v in client.get("/api/v1/communities/lakeside/pathway/versions").json()] == [1]
    assert client.get("/api/v1/communities/lakeside/pathway/versions/2").status_code == 404
    client.login(username=member.username, password=PASSWORD)
    assert [v["number"] for v in client.get("/api/v1/communities/lakeside/pathway/versions").json()] == [2, 1]
    assert client.get("/api/v1/communities/lakeside/pathway/versions/2/checks").json() == []


def test_editors_create_drafts_and_errors_are_named(client, published, facilitator, member):
    document = documents.template()
    assert (
        client.post(
            "/api/v1/communities/lakeside/pathway/versions", document, content_type="application/json"
        ).status_code
        == 403
    )
    client.login(username=member.username, password=PASSWORD)
    assert (
        client.post(
            "/api/v1/communities/lakeside/pathway/versions", document, content_type="application/json"
        ).status_code
        == 403
    )
    client.login(username=facilitator.username, password=PASSWORD)
    broken = json.loads(json.dumps(document))
    broken["steps"][0]["stage"] = "somewhere"
    del broken["title"]["fr"]
    response = client.post(
        "/api/v1/communities/lakeside/pathway/versions", broken, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"steps/0/stage", "title"}
    created = client.post(
        "/api/v1/communities/lakeside/pathway/versions", document, content_type="application/json"
    )
    assert (
        created.status_code == 201 and created.json()["number"] == 2 and created.json()["status"] == "draft"
    )
    assert PathwayVersion.objects.filter(number=2, status="draft").exists()


def test_checks_speak_both_languages(client, community, facilitator):
    document = documents.template()
    document["steps"][0]["transitions"] = []
    version = services.import_document(community=community, document=document)
    client.login(username=facilitator.username, password=PASSWORD)
    findings = client.get(f"/api/v1/communities/lakeside/pathway/versions/{version.number}/checks").json()
    dead_end = next(f for f in findings if f["code"] == "dead_end")
    assert dead_end["message"]["fr"].startswith(
        "L'étape «\u00a0Visites de l'enfant en santé et visite améliorée de 18 mois\u00a0» (well-child-visit) "
        "est une impasse"
    )


def test_fhir_and_unknown_things(client, published):
    Bundle.model_validate(client.get("/api/v1/communities/lakeside/pathway/versions/1/fhir").json())
    assert client.get("/api/v1/communities/nowhere/pathway").status_code == 404
    assert client.get("/api/v1/communities/lakeside/pathway/versions/9").status_code == 404


def test_the_versions_list_takes_the_same_queries_for_one_version_or_three(client, community, member):
    client.login(username=member.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=lambda n: add_version(community, n),
        fetch=api(client, "/api/v1/communities/lakeside/pathway/versions"),
        shown=len,
    )


def test_the_fhir_bundle_takes_the_same_queries_for_one_service_or_three(client, published, import_file):
    assert_queries_do_not_grow(
        add=lambda n: add_screening_clinic(import_file, n),
        fetch=api(client, "/api/v1/communities/lakeside/pathway/versions/1/fhir"),
        shown=lambda bundle: sum(
            1 for entry in bundle["entry"] if entry["resource"]["resourceType"] == "HealthcareService"
        ),
    )


@pytest.mark.parametrize("path", ["pathway", "pathway/versions/{number}"])
def test_a_pathway_document_takes_the_same_queries_for_few_steps_or_many(client, community, path):
    small = documents.template()
    small["steps"] = [s for s in small["steps"] if s["key"] in ("earlyon-drop-in", "step-down-universal")]
    small["steps"][0]["transitions"] = [{"to": "step-down-universal", "otherwise": True}]
    few = services.import_document(community=community, document=small)
    many = services.start_draft(community=community, actor=None)
    counted = []
    for version, steps in ((few, 2), (many, len(documents.template()["steps"]))):
        publish_reviewed(version)
        url = f"/api/v1/communities/lakeside/{path.format(number=version.number)}"
        client.get(url)  # what is cached on first use does not count
        with CaptureQueriesContext(connection) as queries:
            body = api(client, url)()
        assert len(body["steps"]) == steps
        counted.append(len(queries))
    assert counted[0] == counted[1]
