"""Past one machine (issue 13, lane e): deploy/gunicorn.conf.py, read the way gunicorn reads it."""

from __future__ import annotations

import datetime
import os
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


def loaded(monkeypatch, **variables: str) -> Config:
    """Gunicorn's settings after the file, as ``gunicorn -c deploy/gunicorn.conf.py`` sets them."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_gunicorn_workers_recycle_with_jitter_and_import_the_app_themselves(monkeypatch):
    config = loaded(monkeypatch, WEB_CONCURRENCY="3")
    assert config.workers == 3
    assert config.threads == 1
    assert config.worker_class_str == "sync"
    assert (config.timeout, config.graceful_timeout, config.keepalive) == (60, 30, 5)
    assert (config.max_requests, config.max_requests_jitter) == (10_000, 1_000)
    assert config.preload_app is False
    assert config.accesslog == "-"


def test_gunicorn_workers_default_to_the_cores_this_process_may_use(monkeypatch):
    assert loaded(monkeypatch).workers == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_gunicorn_a_worker_count_it_cannot_read_stops_the_start(monkeypatch, value):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        loaded(monkeypatch, WEB_CONCURRENCY=value)


def logged(monkeypatch, capsys, path: str, query: str = "") -> str:
    config = loaded(monkeypatch)
    logger = config.logger_class(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": f"https://carepath.example{path}?{query}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=12))
    return capsys.readouterr().out


def test_gunicorn_access_log_keeps_nothing_about_a_family(monkeypatch, capsys):
    line = logged(
        monkeypatch, capsys, "/en/communities/north-shore/navigator/plan/", "age_months=18&concerns=sleep"
    )
    assert '"GET /en/communities/north-shore/navigator/plan/" 200 512 12ms' in line
    assert line.startswith("10.0.0.7 ")
    assert "age_months" not in line
    assert "sleep" not in line


@pytest.mark.parametrize(
    "path",
    ["/en/plan/kept-secret-token/", "/fr/plan/kept-secret-token/print/", "/en/review/kept-secret-token/"],
)
def test_gunicorn_access_log_keeps_no_private_link(monkeypatch, capsys, path):
    line = logged(monkeypatch, capsys, path)
    assert "kept-secret-token" not in line
    assert path.replace("kept-secret-token", ":token") in line
