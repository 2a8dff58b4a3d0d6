"""The PostgreSQL backend's health check (carepath/backends/postgresql): a kept connection is checked by its
socket, and asked ``SELECT 1`` only when the server has said something, such as closing it."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_kept_connection_is_used_at_once_and_one_the_server_dropped_is_replaced():
    if connection.vendor != "postgresql":
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        return
    assert settings.DATABASES["default"]["ENGINE"] == "carepath.backends.postgresql"
    kept = connections.create_connection("default")  # a worker's kept connection
    try:
        kept.ensure_connection()
        with kept.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        assert kept.is_usable()
        with (
            connection.cursor() as cursor
        ):  # without asking the server anything: its last query is still ours
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            assert cursor.fetchone()[0] == "SELECT pg_backend_pid()"
        with connection.cursor() as cursor:  # the server drops it (a restart, an idle timeout)
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):  # the end of the stream reaches the socket
            if not kept.is_usable():
                break
            time.sleep(0.1)
        assert not kept.is_usable()
        kept.health_check_enabled, kept.health_check_done = True, False
        kept.close_if_health_check_failed()  # what Django does before a request's first query
        assert kept.connection is None
        with kept.cursor() as cursor:  # and the next query opens a new one
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        kept.close()
