"""Schemathesis against /api/schema/: generated requests never get a 5xx or an answer off its own schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.factories import service

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


def test_every_api_operation_is_covered():
    assert sorted(OPERATIONS) == [
        "GET /api/hsds/",
        "GET /api/hsds/organizations",
        "GET /api/hsds/organizations/{id}",
        "GET /api/hsds/service_at_locations",
        "GET /api/hsds/service_at_locations/{id}",
        "GET /api/hsds/services",
        "GET /api/hsds/services/{id}",
        "GET /api/hsds/taxonomies",
        "GET /api/hsds/taxonomies/{id}",
        "GET /api/hsds/taxonomy_terms",
        "GET /api/hsds/taxonomy_terms/{id}",
        "GET /api/v1/case-studies/",
        "GET /api/v1/case-studies/{slug}",
        "GET /api/v1/communities/{slug}/pathway",
        "GET /api/v1/communities/{slug}/pathway/versions",
        "GET /api/v1/communities/{slug}/pathway/versions/{number}",
        "GET /api/v1/communities/{slug}/pathway/versions/{number}/checks",
        "GET /api/v1/communities/{slug}/pathway/versions/{number}/fhir",
        "GET /api/v1/instruments/{code}/{version}",
        "GET /api/v1/practices/",
        "GET /api/v1/practices/{slug}",
        "POST /api/v1/communities/{slug}/pathway/versions",
        "POST /api/v1/navigator/match",
    ]


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI app directly: keep Django from closing the test's database connection
    at the end of each request, as Django's own test client does."""

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_answers_within_its_schema(label, import_file, keep_connection):
    import_file([service("a", terms=[("delivery/virtual", None)]), service("b")])

    @given(case=OPERATIONS[label].as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def check(case):
        case.call_and_validate()

    check()
