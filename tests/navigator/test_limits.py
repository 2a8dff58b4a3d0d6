"""Limits that count for real (issue 10, item 7): the navigator's limit holds whatever X-Forwarded-For says, is
counted in a database table every worker shares, and covers the family and provider pages, print and saves.
A limit of n a period lets a burst of n through, then one every period / n (GCRA, issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from carepath import limits
from carepath.models import RateCount
from carepath.navigator.models import SavedPlan
from tests.navigator.test_api import REQUEST, URL
from tests.navigator.test_views import ANSWERS, JOURNEY, posted_answers

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def api(client, **headers):
    return client.post(URL, json.dumps(REQUEST), content_type="application/json", headers=headers)


def test_limits_count_for_real_forwarded_header_does_not_reset_the_count(client, demo, settings):
    settings.CAREPATH_NAVIGATOR_RATE = "3/minute"
    codes = [api(client, x_forwarded_for=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api(client, x_forwarded_for="198.51.100.1, 203.0.113.99")
    assert refused.status_code == 429
    # The next is due one interval (a minute / 3) after the burst began, less the test's time.
    assert 10 <= int(refused["Retry-After"]) <= 20


def test_limits_count_for_real_a_trusted_proxy_s_header_is_honoured(client, demo, settings):
    settings.CAREPATH_NAVIGATOR_RATE = "2/minute"
    settings.CAREPATH_TRUSTED_PROXIES = "127.0.0.1"  # the test client connects from 127.0.0.1: the proxy
    first = [api(client, x_forwarded_for="203.0.113.1").status_code for _ in range(3)]
    assert first == [200, 200, 429]
    # A client that writes its own header cannot pass as someone else: the proxy appends what it saw.
    assert api(client, x_forwarded_for="203.0.113.2, 203.0.113.1").status_code == 429
    assert [api(client, x_forwarded_for="203.0.113.2").status_code for _ in range(3)] == [200, 200, 429]


def test_limits_count_for_real_a_number_of_proxies_picks_the_client_from_the_right(client, demo, settings):
    settings.CAREPATH_NAVIGATOR_RATE = "1/minute"
    settings.CAREPATH_TRUSTED_PROXIES = "2"
    assert api(client, x_forwarded_for="9.9.9.9, 203.0.113.5, 10.0.0.2").status_code == 200
    assert api(client, x_forwarded_for="8.8.8.8, 203.0.113.5, 10.0.0.2").status_code == 429
    assert api(client, x_forwarded_for="203.0.113.6, 10.0.0.2").status_code == 200


def page_post(client, route: str, answers: str, language: str = "en"):
    base = f"/{language}/communities/north-shore/navigator/"
    if route == "journey":
        return client.post(base, ANSWERS)
    if route == "provider":
        return client.post(base + "provider/", ANSWERS)
    return client.post(base + "print/", {"answers": answers, "provider": "0"})


@pytest.mark.parametrize("route", ["journey", "provider", "print"])
def test_limits_count_for_real_the_family_pages_are_limited_with_a_429_page(client, demo, settings, route):
    settings.CAREPATH_NAVIGATOR_RATE = "4/minute"
    answers = posted_answers(client.post(JOURNEY, ANSWERS))  # the first of the four
    assert [page_post(client, route, answers, "fr").status_code for _ in range(3)] == [200, 200, 200]
    response = page_post(client, route, answers, "fr")
    assert response.status_code == 429
    assert 5 <= int(response["Retry-After"]) <= 15  # a minute / 4, less the test's time
    assert response.templates[0].name == "429.html"
    page = response.content.decode()
    assert "<h1>Trop de demandes</h1>" in page
    assert "Veuillez réessayer dans 1\xa0minute." in page
    english = page_post(client, route, answers)
    assert english.status_code == 429
    assert "Please try again in 1 minute." in english.content.decode()
    assert client.get(JOURNEY).status_code == 200  # reading the questions is not counted


def test_limits_count_for_real_the_api_and_the_pages_share_one_count(client, demo, settings):
    settings.CAREPATH_NAVIGATOR_RATE = "3/minute"
    assert api(client).status_code == 200
    assert client.post(JOURNEY, ANSWERS).status_code == 200
    assert api(client).status_code == 200
    assert client.post(JOURNEY, ANSWERS).status_code == 429
    assert api(client).status_code == 429


def test_limits_count_for_real_save_my_plan_has_its_own_stricter_rate(client, demo, settings):
    settings.CAREPATH_PLAN_SAVE_RATE = "2/hour"
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    save = "/en/communities/north-shore/navigator/save/"
    codes = [
        client.post(save, {"answers": answers}, headers={"x-forwarded-for": f"192.0.2.{n}"}) for n in range(3)
    ]
    assert [r.status_code for r in codes] == [302, 302, 429]
    assert codes[2]["Retry-After"] == "1800"  # an hour / 2 after the first save
    assert "Please try again in 30 minutes." in codes[2].content.decode()
    assert SavedPlan.objects.count() == 2
    assert client.post(JOURNEY, ANSWERS).status_code == 200  # the navigator's own count is apart


def test_limits_count_for_real_a_burst_gets_exactly_the_rate_then_one_an_interval():
    start = 1_800_000_000.0
    assert [limits.count("burst", 7, 60, start) for _ in range(8)] == [0.0] * 7 + [
        pytest.approx(60 / 7, abs=1e-5)
    ]
    assert limits.count("burst", 7, 60, start + 60 / 7 - 1) == pytest.approx(1, abs=1e-5)
    assert limits.count("burst", 7, 60, start + 60 / 7) == 0.0  # one more, an interval later
    assert limits.count("burst", 7, 60, start + 60 / 7) == pytest.approx(60 / 7, abs=1e-5)
    # Idle a whole period: a full burst again.
    assert [limits.count("burst", 7, 60, start + 200) for _ in range(8)] == [0.0] * 7 + [
        pytest.approx(60 / 7, abs=1e-5)
    ]
    assert limits.count("other", 7, 60, start + 200) == 0.0  # each name its own count


def test_limits_count_for_real_a_count_is_one_statement(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert limits.count("one", 2, 60) == 0.0


def test_limits_count_for_real_idle_clients_are_swept(demo):
    start = 1_800_000_000.0
    limits.count("busy", 2, 3600, start)
    limits.count("idle", 2, 60, start)
    assert limits.sweep(start + 31) == 1  # the idle one's next request was due at start + 30
    assert list(RateCount.objects.values_list("name", flat=True)) == ["busy"]


def test_limits_count_for_real_a_fresh_process_sees_the_same_count(tmp_path):
    """Two processes, as two gunicorn workers: the second finds the first's count in the shared database."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CAREPATH_", "DJANGO_", "SECRET_KEY"))},
        "DJANGO_SETTINGS_MODULE": "carepath.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "CAREPATH_DATA_DIR": str(tmp_path / "data"),
    }
    script = (
        "import sys, django; django.setup()\n"
        "from django.contrib.auth.models import AnonymousUser\n"
        "from django.test import RequestFactory\n"
        "from carepath.limits import RateLimit\n"
        "request = RequestFactory().post('/', REMOTE_ADDR='203.0.113.7')\n"
        "request.user = AnonymousUser()\n"
        "print(*(RateLimit('navigator', '3/hour').allow_request(request, None) for _ in range(int(sys.argv[1]))))\n"
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    run("-m", "carepath.cli", "migrate", "-v0")
    assert run("-c", script, "2") == "True True"
    assert run("-c", script, "2") == "True False"


def test_limits_count_for_real_a_saved_plan_page_is_counted_too(client, demo, settings):
    settings.CAREPATH_NAVIGATOR_RATE = "3/minute"
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    saved = client.post("/en/communities/north-shore/navigator/save/", {"answers": answers})
    page = saved["Location"]
    assert [client.get(page).status_code for _ in range(3)] == [200, 200, 429]  # the questions counted once
