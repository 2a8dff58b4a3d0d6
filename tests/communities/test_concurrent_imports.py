"""Imports at the same time (issue 10, item 11): one waits or is told clearly, nothing is half-written."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, transaction

from carepath.communities.imports import import_hsds
from carepath.communities.models import Community
from carepath.directory.models import Service
from tests.factories import service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("slugs", [("lakeside", "lakeside"), ("lakeside", "hillcrest")])
def test_imports_at_the_same_time_two_imports_of_the_same_records(tmp_path, slugs):
    path = tmp_path / "same.json"
    path.write_text(json.dumps([service(f"s{i}") for i in range(300)]), encoding="utf-8")
    results, failures = [], []
    start = threading.Barrier(2)

    def run(slug: str) -> None:
        try:
            start.wait()
            results.append((slug, import_hsds(path=path, community_slug=slug)))
        except Exception as error:  # a crash is what this test looks for
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(slug,)) for slug in slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(results) == 2
    done = [r for _, r in results if r.ok]
    assert done, [str(p) for _, r in results for p in r.problems]
    for _, result in results:
        assert result.ok or {p.code for p in result.errors} <= {"import_busy", "import_conflict"}
    assert Service.objects.count() == 300


def test_imports_at_the_same_time_the_second_is_told_clearly(settings, tmp_path, community):
    """While another import holds the community, an import waits a moment, then says so and writes nothing."""

    settings.CAREPATH_IMPORT_WAIT_SECONDS = 1
    path = tmp_path / "one.json"
    path.write_text(json.dumps([service("a")]), encoding="utf-8")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Community.objects.select_for_update().filter(pk=community.pk).exists()
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    try:
        result = import_hsds(path=path, community_slug=community.slug)
    finally:
        release.set()
        holder.join()
    assert [p.code for p in result.errors] == ["import_busy"]
    assert "Another import into this community is being written" in result.errors[0].message()
    assert Service.objects.count() == 0
