"""The HSDS read API: official shapes, paging, parameters, publication and query counts."""

from __future__ import annotations

import json
from functools import cache

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carepath.communities.models import Community
from carepath.directory import vocabulary
from tests.conftest import official
from tests.factories import service, uid
from tests.query_counts import api, assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


@cache
def schema(name: str) -> jsonschema.protocols.Validator:
    document = json.loads(official("3.0", f"schema/compiled/{name}").read_text())
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


@cache
def modular(name: str) -> jsonschema.protocols.Validator:
    document = json.loads(official("3.0", f"schema/{name}").read_text())
    document.pop("$id", None)
    document["properties"] = {
        k: v for k, v in document["properties"].items() if "$ref" not in v and "items" not in v
    }
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


def valid(validator, document) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)][:5]


PAGE_KEYS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


@pytest.fixture
def published(import_file):
    import_file(
        [
            service("a", name="Anxiety group", terms=[("delivery/group", None)]),
            service("b", name="Baby sleep clinic"),
            service("c", name="Counselling"),
        ]
    )
    return Community.objects.get(slug="lakeside")


def test_root_says_version_and_profile(client):
    body = client.get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"] == "http://testserver/api/schema/"


def test_services_page_follows_hsds(client, published):
    body = client.get("/api/hsds/services?per_page=2").json()
    assert list(body) == PAGE_KEYS
    assert {k: body[k] for k in PAGE_KEYS[:-1]} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert [s["name"] for s in body["contents"]] == ["Anxiety group", "Baby sleep clinic"]
    for item in body["contents"]:
        assert valid(schema("service_list.json"), item) == []
    second = client.get("/api/hsds/services?per_page=2&page=2").json()
    assert [s["name"] for s in second["contents"]] == ["Counselling"] and second["last_page"] is True


def test_every_page_lists_the_next_services_by_name_whatever_the_case(client, import_file):
    names = ["apple", "Banana", "cherry", "Date", "elder", "Fig", "grape"]
    import_file([service(name, name=name) for name in reversed(names)])
    pages = [client.get(f"/api/hsds/services?per_page=2&page={number}").json() for number in (1, 2, 3, 4, 5)]
    assert [[s["name"] for s in page["contents"]] for page in pages] == [
        ["apple", "Banana"],
        ["cherry", "Date"],
        ["elder", "Fig"],
        ["grape"],  # read backwards from the last, as the two pages before it
        [],
    ]
    assert [(p["total_items"], p["total_pages"], p["last_page"], p["size"]) for p in pages] == [
        (7, 4, False, 2),
        (7, 4, False, 2),
        (7, 4, False, 2),
        (7, 4, True, 1),
        (7, 4, True, 0),
    ]
    searched = client.get("/api/hsds/services?per_page=2&page=2&search=Lakeside").json()
    assert (searched["total_items"], [s["name"] for s in searched["contents"]]) == (7, ["cherry", "Date"])


def test_full_services_and_one_service_validate_against_the_official_schema(client, published):
    body = client.get("/api/hsds/services?full=true").json()
    assert len(body["contents"]) == 3
    for item in body["contents"]:
        assert valid(schema("service.json"), item) == []
    one = client.get(f"/api/hsds/services/{uid('service:a')}").json()
    assert valid(schema("service.json"), one) == []
    assert one["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Maple Bay"
    assert one["attributes"][0]["taxonomy_term"]["code"] == "delivery/group"


def test_organizations_and_service_at_locations_validate(client, published):
    organizations = client.get("/api/hsds/organizations").json()
    assert organizations["total_items"] == 1
    assert valid(schema("organization_list.json"), organizations["contents"][0]) == []
    organization = client.get(f"/api/hsds/organizations/{uid('org:main')}").json()
    assert valid(schema("organization.json"), organization) == []
    assert sorted(s["name"] for s in organization["services"]) == [
        "Anxiety group",
        "Baby sleep clinic",
        "Counselling",
    ]
    sals = client.get("/api/hsds/service_at_locations").json()
    assert sals["total_items"] == 3
    for item in sals["contents"]:
        assert valid(schema("service_at_location_list.json"), item) == []
    one = client.get(f"/api/hsds/service_at_locations/{uid('sal:a')}").json()
    assert valid(schema("service_at_location.json"), one) == []


def test_taxonomies_and_terms_carry_the_vocabulary(client, db):
    taxonomies = client.get("/api/hsds/taxonomies").json()
    assert [t["name"] for t in taxonomies["contents"]] == ["carepath"]
    assert valid(modular("taxonomy.json"), taxonomies["contents"][0]) == []
    top = client.get("/api/hsds/taxonomy_terms?top_only=true&per_page=100").json()
    assert sorted(t["code"] for t in top["contents"]) == sorted(vocabulary.load().branches)
    delivery = vocabulary.term_id("delivery")
    children = client.get(f"/api/hsds/taxonomy_terms?parent_id={delivery}", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert [t["name"] for t in children["contents"]][:3] == [
        "En groupe",
        "Visite à domicile",
        "En personne, sur place",
    ]
    for item in children["contents"]:
        assert valid(modular("taxonomy_term.json"), item) == []
    term = client.get(f"/api/hsds/taxonomy_terms/{vocabulary.term_id('delivery/virtual')}?lang=fr").json()
    assert term["name"] == "Vidéo" and term["taxonomy_detail"]["name"] == "carepath"


def test_filters(client, published):
    def names(query: str) -> list[str]:
        return [s["name"] for s in client.get(f"/api/hsds/services?{query}").json()["contents"]]

    assert names("search=sleep") == ["Baby sleep clinic"]
    assert names(f"taxonomy_term_id={vocabulary.term_id('delivery/group')}") == ["Anxiety group"]
    assert names(f"organization_id={uid('org:main')}") == [
        "Anxiety group",
        "Baby sleep clinic",
        "Counselling",
    ]
    assert names("modified_after=2999-01-01T00:00:00Z") == []
    assert len(names("modified_after=2000-01-01T00:00:00")) == 3  # no offset: UTC
    assert len(names("modified_after=0154-11-06T02:53:18-19:20")) == 3  # odd but valid RFC 3339 offsets
    assert len(names("modified_after=0001-01-01T00:00:00%2B05:00")) == 3  # before year 1 in UTC
    assert names("community=elsewhere") == []
    minimal = client.get("/api/hsds/services?minimal=true").json()["contents"][0]
    assert set(minimal) == {"id", "name", "status", "last_modified"}


def test_bad_parameters_are_named(client, db):
    response = client.get(
        "/api/hsds/services?page=0&per_page=x&modified_after=yesterday&taxonomy_term_id=12&full=maybe"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "page",
        "per_page",
        "modified_after",
        "taxonomy_term_id",
        "full",
    }


@pytest.mark.parametrize(
    ("path", "unknown"),
    [
        ("/api/hsds/services/", "No published service has this id."),
        ("/api/hsds/organizations/", "No organization with published services has this id."),
        ("/api/hsds/taxonomies/", "No taxonomy has this id."),
        ("/api/hsds/taxonomy_terms/", "No taxonomy term has this id."),
        ("/api/hsds/service_at_locations/", "No published service is offered with this id."),
    ],
)
@pytest.mark.parametrize("ident", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_ids_are_404_in_json(client, db, path, unknown, ident):
    response = client.get(path + ident)
    assert response.status_code == 404
    message = "No record has this id." if ident == "not-a-uuid" else unknown
    assert response.json() == {"errors": {"detail": [message]}}


def test_unpublished_services_are_not_served(client, published):
    published.entries.filter(service_id=uid("service:a")).update(published=False)
    assert client.get(f"/api/hsds/services/{uid('service:a')}").status_code == 404
    assert client.get("/api/hsds/services").json()["total_items"] == 2


def test_french_text_when_asked(client, import_file):
    import_file(service("a", name="Parenting group"))
    import_file(service("a", name="Groupe de parents"), language="fr")
    assert (
        client.get("/api/hsds/services", HTTP_ACCEPT_LANGUAGE="fr").json()["contents"][0]["name"]
        == "Groupe de parents"
    )
    assert (
        client.get("/api/hsds/services?lang=en", HTTP_ACCEPT_LANGUAGE="fr").json()["contents"][0]["name"]
        == "Parenting group"
    )


def agency_service(n: int) -> dict:
    """Service n, offered by agency n at a place of its own, with a term of a local taxonomy n."""
    record = service(
        f"s{n}", organization={"id": uid(f"org:{n}"), "name": f"Agency {n}", "description": "An agency."}
    )
    record["attributes"].append(
        {
            "id": uid(f"attr:local:{n}"),
            "taxonomy_term": {
                "id": uid(f"term:local:{n}"),
                "code": f"local-{n}",
                "name": f"Local term {n}",
                "description": "A term of a local taxonomy.",
                "taxonomy_detail": {
                    "id": uid(f"taxonomy:local:{n}"),
                    "name": f"Local taxonomy {n}",
                    "description": "A taxonomy a community uses.",
                },
            },
        }
    )
    return record


@pytest.mark.parametrize(
    "path",
    [
        "/api/hsds/services",
        "/api/hsds/services?full=true",
        "/api/hsds/services?minimal=true",
        "/api/hsds/services?community=lakeside",
        "/api/hsds/organizations",
        "/api/hsds/organizations?full=true",
        "/api/hsds/service_at_locations",
        "/api/hsds/service_at_locations?full=true",
        "/api/hsds/taxonomies?search=Local",
        "/api/hsds/taxonomy_terms?search=local-",
    ],
)
def test_list_query_count_does_not_grow_with_items(client, import_file, path):
    assert_queries_do_not_grow(
        add=lambda n: import_file(agency_service(n)),
        fetch=api(client, path),
        shown=lambda body: len(body["contents"]),
    )


def test_api_docs_page_is_served_without_a_cdn(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in response.content
    schema_doc = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/hsds/services" in schema_doc["paths"]


def test_a_whole_list_is_counted_once_until_the_directory_changes(client, published, import_file):
    assert client.get("/api/hsds/services").json()["total_items"] == 3
    with CaptureQueriesContext(connection) as asked:
        assert client.get("/api/hsds/services?page=2&per_page=1").json()["total_items"] == 3
    assert not [q for q in asked if "COUNT(" in q["sql"]]  # counted by the first page
    import_file([service("late", name="A late addition")])
    assert client.get("/api/hsds/services").json()["total_items"] == 4
    entry = published.entries.get(service_id=uid("service:late"))
    entry.published = False
    entry.save()
    assert client.get("/api/hsds/services").json()["total_items"] == 3
