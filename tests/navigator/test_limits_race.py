"""Limits that count for real (issue 10, item 7): simultaneous requests from many workers are counted one by one."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from tests.conftest import threads_database

pytestmark = pytest.mark.django_db(transaction=True)
REQUEST = {"community": "north-shore", "child": {"age_months": 20}, "family": {"languages": ["en"]}}


def test_limits_count_for_real_a_burst_from_many_threads_gets_exactly_the_rate(demo, settings, tmp_path):
    settings.CAREPATH_NAVIGATOR_RATE = "30/minute"
    codes: list[int] = []
    with threads_database(tmp_path) as attach:

        def burst() -> None:
            attach()
            client = Client()
            try:
                for _ in range(10):
                    response = client.post(
                        "/api/v1/navigator/match", REQUEST, content_type="application/json"
                    )
                    codes.append(response.status_code)
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=burst) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(set(codes)) == [200, 429]
    assert codes.count(200) == 30
    assert len(codes) == 60
