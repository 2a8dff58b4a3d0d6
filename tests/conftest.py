"""Shared fixtures: fixed people (site admin, facilitator, member, outsider), communities and HSDS files."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.utils import translation

from carepath.accounts.models import User
from carepath.accounts.services import set_membership
from carepath.communities.imports import import_hsds
from carepath.communities.models import Community
from carepath.communities.services import get_or_create_community
from carepath.models import RateCount
from carepath.navigator import snapshots

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs beside live_server

ROOT = Path(__file__).resolve().parent.parent
SHARED_HSDS = ROOT.parent / "shared" / "data" / "hsds"
DEMO = ROOT / "demo" / "north-shore"
PASSWORD = "a-long-test-password-42"


@contextlib.contextmanager
def threads_database(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Where the threads of a race connect; each thread calls what this gives before its first query.

    On PostgreSQL, the test database itself. On SQLite the test database lives in memory, shared between
    connections by table locks that fail at once ("database table is locked") where the file the app runs
    on makes a writer wait (``busy_timeout``, ``BEGIN IMMEDIATE``): so the race runs on a file copy of the
    test database, opened with the app's own connection options, and this block's body reads that copy."""

    if connection.vendor != "sqlite":
        yield lambda: None
        return
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    original = connections["default"]
    on_file = {**original.settings_dict, "NAME": str(path)}

    def attach() -> None:
        connections["default"] = type(original)(on_file, alias="default")  # this thread only

    try:
        yield attach  # the assertions after the race, in this thread, read the file too
    finally:
        connections["default"].close()
        connections["default"] = original


def official(version: str, name: str) -> Path:
    """A file of the official HSDS specification copied into ../shared/data/hsds."""
    path = SHARED_HSDS / version / name
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the tests need ../shared/data/hsds beside the repository."
        )
    return path


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English, whatever language an earlier request or command left active."""

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache(request, django_db_blocker):
    """Each test starts with an empty cache, so rate limits counted by one test never reach another, and with
    no navigator copies (a test's rolled-back community can have the id, and the token, of an earlier one's).

    The limits' counts are rows of a table: a test's transaction takes them away with it, and a test that
    commits (the browser tests) empties that table after itself.
    """

    cache.clear()
    snapshots.clear()
    yield
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    ):
        with django_db_blocker.unblock():
            RateCount.objects.all().delete()


@pytest.fixture
def community(db):
    return get_or_create_community(slug="lakeside", name="Lakeside Early Years Table")


@pytest.fixture
def other_community(db):
    return get_or_create_community(slug="hillcrest", name="Hillcrest")


def _user(username: str, **extra):
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


@pytest.fixture
def admin_user(db):
    return _user("siteadmin", is_superuser=True, is_staff=True)


@pytest.fixture
def facilitator(community):
    user = _user("fay")
    set_membership(user=user, community=community, role="facilitator")
    return user


@pytest.fixture
def member(community):
    user = _user("mo")
    set_membership(user=user, community=community, role="member")
    return user


@pytest.fixture
def outsider(other_community):
    user = _user("olu")
    set_membership(user=user, community=other_community, role="facilitator")
    return user


@pytest.fixture
def demo(db):
    """The demo community, loaded as `make run` loads it."""

    call_command("load-demo", "north-shore", verbosity=0)

    return Community.objects.get(slug="north-shore")


@pytest.fixture
def import_file(tmp_path):
    """Write JSON (or text) to a file and import it into a community; returns the import result."""

    def run(content, *, community="lakeside", language="en", name="data.json"):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        return import_hsds(path=path, community_slug=community, language=language)

    return run
