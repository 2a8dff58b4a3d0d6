"""Past one machine (issue 13, lane e): the read replica's router sends the public directory's reads to the replica
when a request only reads and nobody is signed in, and everything else to the primary (``carepath/routers.py``).

A test's replica is a second connection: to the test database itself (as Django's ``TEST: MIRROR`` does), where
the queries each connection ran show which database served what; or, on SQLite, to a copy of it taken before a
write, where what a page shows says which database it read.
"""

from __future__ import annotations

import json
import re
import sqlite3
from urllib.parse import urlencode

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from carepath import routers
from carepath.accounts.models import User
from carepath.communities.models import Community, InventoryEntry, ListingReport
from carepath.directory.models import Organization, Service, TaxonomyTerm
from carepath.models import AuditEntry, DataVersion
from carepath.navigator import snapshots
from carepath.navigator.models import SavedPlan
from carepath.pathways.models import PathwayVersion
from tests.factories import service, uid
from tests.test_settings import python

ROUTER = routers.ReplicaRouter()
PUBLIC = [Service, Organization, TaxonomyTerm, Community, InventoryEntry, DataVersion]
PRIVATE = [ListingReport, PathwayVersion, SavedPlan, User, AuditEntry]
SERVED = re.compile(r'FROM "(directory_|communities_|carepath_dataversion)')
# What else a read may send: a count's planner settings for its own transaction (carepath/paging.py).
TRANSACTION = re.compile(
    r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT |RELEASE SAVEPOINT |ROLLBACK TO SAVEPOINT |SET LOCAL |RESET )"
)
PLAN = {  # as tests/navigator/test_views.py answers
    "age_months": "18",
    "concerns": ["social-emotional", "sleep"],
    "urgency": "routine",
    "language_1": "en",
    "max_travel_km": "60",
    "place": "maple-bay",
}

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({'databases': sorted(s.DATABASES), "
    "'replica': s.DATABASES.get('replica', {}).get('NAME'), 'mirror': s.DATABASES.get('replica', {})"
    ".get('TEST', {}).get('MIRROR'), 'routers': s.DATABASE_ROUTERS, 'middleware': s.MIDDLEWARE}))"
)


def shown(tmp_path, **variables):
    done = python(tmp_path, SHOW, DEBUG="true", **variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_past_one_machine_without_a_replica_nothing_changes(tmp_path):
    seen = shown(tmp_path)
    assert seen["databases"] == ["default"]
    assert seen["routers"] == []
    assert "carepath.routers.ReplicaReadsMiddleware" not in seen["middleware"]


def test_past_one_machine_a_replica_url_adds_the_replica_its_router_and_middleware(tmp_path):
    seen = shown(tmp_path, DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/carepath")
    assert seen["databases"] == ["default", "replica"]
    assert seen["replica"] == "carepath"
    assert seen["mirror"] == "default"  # a test run with a replica set reads its test database through it
    assert seen["routers"] == ["carepath.routers.ReplicaRouter"]
    middleware = seen["middleware"]
    at = middleware.index("carepath.routers.ReplicaReadsMiddleware")
    assert middleware[at - 1] == "django.contrib.auth.middleware.AuthenticationMiddleware"


def test_past_one_machine_the_replica_url_may_come_from_a_file(tmp_path):
    secret = tmp_path / "replica-url"
    secret.write_text("postgres://reader:s3cret@replica.internal:5432/from_file\n", encoding="utf-8")
    assert shown(tmp_path, DATABASE_REPLICA_URL_FILE=str(secret))["replica"] == "from_file"
    both = python(
        tmp_path,
        SHOW,
        DEBUG="true",
        DATABASE_REPLICA_URL="sqlite:///x",
        DATABASE_REPLICA_URL_FILE=str(secret),
    )
    assert both.returncode != 0
    assert "Set DATABASE_REPLICA_URL or DATABASE_REPLICA_URL_FILE, not both." in both.stderr


def test_past_one_machine_reads_go_to_the_replica_only_when_a_request_allows_them():
    for model in PUBLIC + PRIVATE:
        assert ROUTER.db_for_read(model) == "default", model
    with routers.replica_reads():
        for model in PUBLIC:
            assert ROUTER.db_for_read(model) == "replica", model
        for model in PRIVATE:
            assert ROUTER.db_for_read(model) == "default", model
        for model in PUBLIC + PRIVATE:
            assert ROUTER.db_for_write(model) == "default", model
    assert ROUTER.db_for_read(Service) == "default"


def test_past_one_machine_migrations_run_on_the_primary_only():
    assert ROUTER.allow_migrate("replica", "directory", "service") is False
    assert ROUTER.allow_migrate("default", "directory", "service") is None


def route_reads(settings) -> None:
    """The router and the middleware, where settings put them when DATABASE_REPLICA_URL is set."""
    settings.DATABASE_ROUTERS = ["carepath.routers.ReplicaRouter"]
    at = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:at],
        "carepath.routers.ReplicaReadsMiddleware",
        *settings.MIDDLEWARE[at:],
    ]


@pytest.fixture
def replica(settings):
    """The router and middleware as settings add them, and ``replica``: a second connection to the test database."""
    route_reads(settings)
    snapshots.clear()
    connections["replica"] = type(connections["default"])(
        {**connection.settings_dict}, alias="replica"
    )  # this thread only
    yield connections["replica"]
    connections["replica"].close()
    del connections["replica"]
    snapshots.clear()


@pytest.mark.django_db(transaction=True)
def test_past_one_machine_reads_inside_a_transaction_go_to_the_primary(replica, import_file):
    import_file([service("a", name="Anxiety group")])
    with routers.replica_reads():
        with CaptureQueriesContext(replica) as on_replica:
            assert Service.objects.get(name="Anxiety group").name == "Anxiety group"
        assert len(on_replica) == 1
        with transaction.atomic(), CaptureQueriesContext(replica) as on_replica:
            assert ROUTER.db_for_read(Service) == "default"
            assert Service.objects.filter(name="Anxiety group").exists()
        assert len(on_replica) == 0


def served(captured) -> list[str]:
    return [query["sql"] for query in captured if SERVED.search(query["sql"])]


@pytest.mark.django_db(transaction=True)
def test_past_one_machine_anonymous_pages_and_the_hsds_api_read_the_directory_from_the_replica(
    replica, demo, client, admin_user
):
    pages = [
        "/api/hsds/services?community=north-shore",
        "/en/communities/north-shore/",
        "/en/communities/north-shore/navigator/plan/?" + urlencode(PLAN, doseq=True),
    ]
    for url in pages:
        with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
            assert client.get(url).status_code == 200, url
        assert served(on_replica), url
        assert not served(on_primary), (url, served(on_primary))
        assert all(SERVED.search(q["sql"]) or TRANSACTION.match(q["sql"]) for q in on_replica), (
            url,
            [q["sql"][:80] for q in on_replica if not SERVED.search(q["sql"])],
        )

    client.force_login(admin_user)  # signed in: the primary, as for the people who change the directory
    for url in pages:
        with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
            assert client.get(url).status_code == 200, url
        assert len(on_replica) == 0, url
        assert served(on_primary), url


@pytest.mark.django_db(transaction=True)
def test_past_one_machine_requests_that_may_write_read_the_primary(replica, demo, client):
    body = {"community": "north-shore", "child": {"age_months": 18}, "family": {"languages": ["en"]}}
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
        response = client.post("/api/v1/navigator/match", body, content_type="application/json")
    assert response.status_code == 200
    assert len(on_replica) == 0
    assert served(on_primary)


@pytest.mark.django_db(transaction=True)
def test_past_one_machine_a_lagging_replica_serves_families_and_never_the_people_who_write(
    settings, import_file, admin_user, client, tmp_path
):
    """A copy taken before a write stands for a replica that has not applied it yet."""
    import_file([service("a", name="Anxiety group")])
    route_reads(settings)
    connections["replica"] = type(connections["default"])(snapshot_of_the_database(tmp_path), alias="replica")
    try:
        import_file([service("b", name="Baby sleep clinic")])  # the primary only
        first, second = f"/api/hsds/services/{uid('service:a')}", f"/api/hsds/services/{uid('service:b')}"
        assert client.get(first).json()["name"] == "Anxiety group"
        assert client.get(second).status_code == 404  # not on the replica yet
        client.force_login(admin_user)
        assert client.get(second).json()["name"] == "Baby sleep clinic"
    finally:
        connections["replica"].close()
        forget(connections["replica"].settings_dict)
        del connections["replica"]


def snapshot_of_the_database(tmp_path) -> dict:
    """The settings of a copy of the test database as it is now: a file on SQLite, a database made from it as
    a template on PostgreSQL (which needs it to have no connection while it is copied)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "replica.sqlite3"
        copy = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        return {**connection.settings_dict, "NAME": str(path)}
    name = f"{connection.settings_dict['NAME']}_replica"[:63]
    connection.close()
    with psycopg.connect(
        dbname="postgres", **{k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
    ) as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{connection.settings_dict["NAME"]}"')
    return {**connection.settings_dict, "NAME": name}


def forget(settings_dict: dict) -> None:
    """Drop a PostgreSQL copy made by ``snapshot_of_the_database`` (an SQLite file goes with tmp_path)."""
    if connection.vendor == "sqlite":
        return
    with psycopg.connect(
        dbname="postgres", **{k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
    ) as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
