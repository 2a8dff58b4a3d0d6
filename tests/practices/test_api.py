"""The registry's read API: published practices with filters, why each earned its tier, case studies,
instruments; bad filters get 400 naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from carepath.practices.services import content
from tests.query_counts import api, assert_queries_do_not_grow

from .conftest import a_case_study

pytestmark = pytest.mark.django_db
CASE_STUDIES = Path(content.__file__).resolve().parents[1] / "data" / "case_studies"


def test_the_list_gives_bilingual_content_and_filters(make_practice, editor, reviewers):
    make_practice("published", reviewers=reviewers, editor=editor)
    make_practice("draft", slug="hidden")
    body = Client().get("/api/v1/practices/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["name"] == {"en": "One door", "fr": "Guichet unique"}
    assert item["tier"] == "best"
    assert item["organizations"][0]["name"] == {"en": "Lakeview CHC", "fr": "CSC Lakeview"}
    assert item["jurisdictions"] == [{"code": "ON", "label": {"en": "Ontario", "fr": "Ontario"}}]
    assert Client().get("/api/v1/practices/?dimension=equity&strategy=4").json()["count"] == 1
    assert Client().get("/api/v1/practices/?tier=good").json()["count"] == 0


def test_bad_filters_get_400_naming_each_field():
    response = Client().get("/api/v1/practices/?tier=legendary&dimension=x&strategy=one")
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["dimension", "strategy", "tier"]
    assert Client().get("/api/v1/practices/?q=a%00b").status_code == 400


def test_a_practice_explains_its_grade_requirement_by_requirement(make_practice, editor, reviewers):
    practice = make_practice("published", reviewers=reviewers, editor=editor, ratings="met")
    body = Client().get(f"/api/v1/practices/{practice.slug}").json()
    grading = body["grading"]
    assert grading["tier"] == "best"
    assert grading["rationale"] == {"en": "Strong evaluation.", "fr": "Évaluation solide."}
    assert [t["tier"] for t in grading["tiers"]] == ["promising", "good", "best"]
    assert all(r["met"] for t in grading["tiers"] for r in t["requirements"])
    first = grading["tiers"][0]["requirements"][0]
    evidence_id = body["evidence"][0]["id"]
    assert first["criteria"] == [
        {"code": "cbpp-population", "rating": "met", "evidence": [evidence_id]},
        {"code": "cbpp-credible", "rating": "met", "evidence": [evidence_id]},
    ]
    assert Client().get("/api/v1/practices/hidden").status_code == 404


def test_the_list_costs_the_same_queries_for_one_practice_as_for_three(make_practice, editor, reviewers):
    assert_queries_do_not_grow(
        add=lambda n: make_practice("published", reviewers=reviewers, editor=editor, slug=f"p{n}"),
        fetch=api(Client(), "/api/v1/practices/"),
        shown=lambda body: len({practice["slug"] for practice in body["results"]}),
    )


def test_the_case_studies_list_costs_the_same_queries_for_one_as_for_three(editor):
    def add(n: int) -> None:
        content.publish_case_study(actor=editor, case=a_case_study(n, sections=2, sources=2))

    assert_queries_do_not_grow(
        add=add, fetch=api(Client(), "/api/v1/case-studies/"), shown=lambda body: len(body["results"])
    )


def test_instruments_and_case_studies(db):
    call_command("load-registry", verbosity=0)
    document = Client().get("/api/v1/instruments/ipchs/1").json()
    assert document["code"] == "ipchs" and len(document["sections"]) == 5
    assert Client().get("/api/v1/instruments/ipchs/9").status_code == 404
    case = Client().get("/api/v1/case-studies/community-health-centres").json()
    shipped = json.loads((CASE_STUDIES / "community-health-centres.json").read_text(encoding="utf-8"))
    assert case["title"] == shipped["title"]
    assert [s["heading"] for s in case["sections"]] == [s["heading"] for s in shipped["sections"]]
    assert [s["title"] for s in case["sources"]] == [s["title"] for s in shipped["sources"]]
    assert (
        Client().get("/api/v1/case-studies/indigenous-primary-health-care-organizations").status_code == 404
    )


def test_the_demo_links_its_graded_practice_to_the_community_health_centres_case_study(db):
    call_command("load-registry", "--demo", verbosity=0)
    case = Client().get("/api/v1/case-studies/community-health-centres").json()
    assert case["practices"] == ["one-door-early-years-intake"]
    page = Client().get("/fr/practices/one-door-early-years-intake/").content.decode()
    assert "/fr/practices/case-studies/community-health-centres/" in page
    assert Client().get("/api/v1/practices/one-door-early-years-intake").json()["tier"] == "good"
