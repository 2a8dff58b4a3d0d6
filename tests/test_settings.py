"""Fail closed in production (issue 10, item 5): each case reads the settings in a fresh process, as a server would.

The test run itself uses tests/settings.py (a test key, plain HTTP); these start from an environment holding none
of Carepath's variables, so they see production's defaults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY = "a-production-key-made-of-fifty-or-more-characters-4f1c0e9b7a2d5e8c"
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, name, None) "
    "for name in ['DEBUG', 'SECRET_KEY', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', "
    "'SILENCED_SYSTEM_CHECKS']}))"
)


def clean_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The machine's environment without any of Carepath's settings, then ``variables``."""
    ours = {
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DATABASE_REPLICA_URL",
        "DATABASE_REPLICA_URL_FILE",
        "EMAIL_HOST",
        "EMAIL_BACKEND",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_HOST_PASSWORD_FILE",
        "CAREPATH_HTTPS",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    }
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ours and not name.startswith(("CAREPATH_", "DJANGO_"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "carepath.settings", "CAREPATH_DATA_DIR": str(tmp_path / "data")})
    env.update(variables)
    return env


def python(tmp_path: Path, code: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def carepath(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "carepath.cli", *args],
        cwd=ROOT,
        env=clean_environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=300,
    )


def shown(tmp_path: Path, **variables: str) -> dict[str, object]:
    done = python(tmp_path, SHOW, **variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refusal(done: subprocess.CompletedProcess[str]) -> str:
    """The last line of a start that failed: the ImproperlyConfigured message."""
    assert done.returncode != 0, done.stdout
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("debug", [None, "false", "0", "off"])
def test_fail_closed_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path, debug):
    variables = {} if debug is None else {"DEBUG": debug}
    done = carepath(tmp_path, "check", **variables)
    assert refusal(done) == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY (or SECRET_KEY_FILE, the path of a file "
        "holding it) must be set when DEBUG is off. For development, set DEBUG=true (make run does)."
    )


def test_fail_closed_a_blank_secret_key_counts_as_none(tmp_path):
    done = python(tmp_path, SHOW, SECRET_KEY="   ")
    assert "SECRET_KEY (or SECRET_KEY_FILE" in refusal(done)


def test_fail_closed_development_runs_on_the_development_key_only_with_debug_on(tmp_path):
    values = shown(tmp_path, DEBUG="true")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"] == "carepath-development-key-not-for-production-use-0123456789abcdef"
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_fail_closed_https_is_on_by_default_when_debug_is_off(tmp_path):
    values = shown(tmp_path, SECRET_KEY=KEY)
    assert values == {
        "DEBUG": False,
        "SECRET_KEY": KEY,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SILENCED_SYSTEM_CHECKS": ["security.W005", "security.W021"],
    }


def test_fail_closed_hsts_subdomains_and_preload_are_opt_in(tmp_path):
    values = shown(tmp_path, SECRET_KEY=KEY, SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="yes")
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SILENCED_SYSTEM_CHECKS"] == []


def test_fail_closed_a_proxy_that_terminates_tls_is_named_by_its_header(tmp_path):
    values = shown(tmp_path, SECRET_KEY=KEY, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    done = python(tmp_path, SHOW, SECRET_KEY=KEY, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert refusal(done) == (
        "django.core.exceptions.ImproperlyConfigured: SECURE_PROXY_SSL_HEADER='X-Forwarded-Proto: https' is "
        "not a header name, e.g. X-Forwarded-Proto."
    )


def test_fail_closed_secret_key_file_holds_the_key(tmp_path):
    path = tmp_path / "secret"
    path.write_text(KEY + "\n", encoding="utf-8")
    assert shown(tmp_path, SECRET_KEY_FILE=str(path))["SECRET_KEY"] == KEY


def test_fail_closed_secret_key_file_that_cannot_be_read_stops_the_start(tmp_path):
    missing = tmp_path / "nowhere"
    done = python(tmp_path, SHOW, SECRET_KEY_FILE=str(missing))
    assert refusal(done) == (
        f"django.core.exceptions.ImproperlyConfigured: SECRET_KEY_FILE={str(missing)!r} cannot be read: "
        "No such file or directory."
    )
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    done = python(tmp_path, SHOW, SECRET_KEY_FILE=str(empty))
    assert refusal(done).endswith(f"SECRET_KEY_FILE={str(empty)!r} is empty.")
    done = python(tmp_path, SHOW, SECRET_KEY=KEY, SECRET_KEY_FILE=str(empty))
    assert refusal(done).endswith("Set SECRET_KEY or SECRET_KEY_FILE, not both.")


# The secrets that may come from a file (``NAME_FILE``), with what else their settings need to be read: a key
# (with DEBUG off), and an e-mail host for the e-mail password.
SECRETS = {
    "SECRET_KEY": {},
    "DATABASE_URL": {"SECRET_KEY": KEY},
    "EMAIL_HOST_PASSWORD": {"SECRET_KEY": KEY, "EMAIL_HOST": "smtp.carepath.example"},
}
SHOW_SECRETS = (
    "import json; from django.conf import settings as s; print(json.dumps({'SECRET_KEY': s.SECRET_KEY, "
    "'DATABASE_URL': s.DATABASES['default']['NAME'], 'EMAIL_HOST_PASSWORD': s.EMAIL_HOST_PASSWORD}))"
)


def test_fail_closed_secret_files_hold_each_secret(tmp_path):
    database = tmp_path / "from-a-file.sqlite3"
    files = {
        "SECRET_KEY": KEY,
        "DATABASE_URL": f"sqlite:///{database}",
        "EMAIL_HOST_PASSWORD": "a mail password ",
    }
    variables = {"EMAIL_HOST": "smtp.carepath.example"}
    for name, value in files.items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n", encoding="utf-8")
        variables[f"{name}_FILE"] = str(path)
    done = python(tmp_path, SHOW_SECRETS, **variables)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "SECRET_KEY": KEY,
        "DATABASE_URL": str(database),
        "EMAIL_HOST_PASSWORD": "a mail password",
    }


@pytest.mark.parametrize("name", SECRETS)
def test_fail_closed_a_secret_and_its_file_are_not_both_set(tmp_path, name):
    path = tmp_path / "secret"
    path.write_text("from the file\n", encoding="utf-8")
    done = python(
        tmp_path, SHOW_SECRETS, **{**SECRETS[name], name: "from the variable", f"{name}_FILE": str(path)}
    )
    assert (
        refusal(done) == f"django.core.exceptions.ImproperlyConfigured: Set {name} or {name}_FILE, not both."
    )


@pytest.mark.parametrize("name", SECRETS)
def test_fail_closed_a_secret_file_that_cannot_be_read_stops_the_start(tmp_path, name):
    missing = tmp_path / "nowhere"
    done = python(tmp_path, SHOW_SECRETS, **SECRETS[name], **{f"{name}_FILE": str(missing)})
    assert refusal(done) == (
        f"django.core.exceptions.ImproperlyConfigured: {name}_FILE={str(missing)!r} cannot be read: "
        "No such file or directory."
    )
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00secret")
    done = python(tmp_path, SHOW_SECRETS, **SECRETS[name], **{f"{name}_FILE": str(binary)})
    assert refusal(done) == (
        f"django.core.exceptions.ImproperlyConfigured: {name}_FILE={str(binary)!r} cannot be read: "
        "it is not UTF-8 text."
    )


@pytest.mark.parametrize("name", SECRETS)
def test_fail_closed_an_empty_secret_file_stops_the_start(tmp_path, name):
    empty = tmp_path / "empty"
    empty.write_text(" \n", encoding="utf-8")
    done = python(tmp_path, SHOW_SECRETS, **SECRETS[name], **{f"{name}_FILE": str(empty)})
    assert (
        refusal(done) == f"django.core.exceptions.ImproperlyConfigured: {name}_FILE={str(empty)!r} is empty."
    )


def test_fail_closed_blank_text_and_lists_take_their_defaults(tmp_path):
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SITE_URL, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]))"
    )
    done = python(
        tmp_path, code, DEBUG="true", SITE_URL="  ", ALLOWED_HOSTS=" ", CSRF_TRUSTED_ORIGINS=" a.example , ,"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        "http://127.0.0.1:8000",
        ["localhost", "127.0.0.1", "[::1]", "testserver"],
        ["a.example"],
    ]


@pytest.mark.parametrize(
    "name", ["DEBUG", "CAREPATH_HTTPS", "SECURE_HSTS_PRELOAD", "CAREPATH_MANIFEST_STATIC"]
)
def test_fail_closed_booleans_refuse_values_they_do_not_understand(tmp_path, name):
    done = python(tmp_path, SHOW, SECRET_KEY=KEY, **{name: "ture"})
    assert refusal(done) == (
        f"django.core.exceptions.ImproperlyConfigured: {name}='ture' is not understood: use one of "
        "1, true, yes, on (on) or 0, false, no, off (off)."
    )


@pytest.mark.parametrize("value", ["TRUE", " Yes ", "1", "on"])
def test_fail_closed_booleans_read_any_case_and_spacing(tmp_path, value):
    assert shown(tmp_path, DEBUG=value)["DEBUG"] is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS='a year' is not a whole number."),
        ("CAREPATH_PLAN_DAYS", "0", "CAREPATH_PLAN_DAYS='0' is too small: the least is 1."),
        ("CAREPATH_LOGIN_FAILURE_LIMIT", "5.5", "CAREPATH_LOGIN_FAILURE_LIMIT='5.5' is not a whole number."),
        (
            "CAREPATH_NAVIGATOR_RATE",
            "lots",
            "CAREPATH_NAVIGATOR_RATE='lots' is not a rate: write a count per second, minute, hour or day, "
            "e.g. 120/minute.",
        ),
    ],
)
def test_fail_closed_numbers_and_rates_name_the_variable(tmp_path, name, value, message):
    done = python(tmp_path, SHOW, SECRET_KEY=KEY, **{name: value})
    assert refusal(done) == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_fail_closed_deploy_check_is_clean_with_production_minimal_settings(tmp_path):
    done = carepath(
        tmp_path,
        *("check", "--deploy", "--fail-level", "WARNING"),
        SECRET_KEY=KEY,
        ALLOWED_HOSTS="carepath.example",
        DEBUG="false",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "System check identified no issues (2 silenced)."


def test_fail_closed_deploy_check_still_warns_when_https_is_turned_off(tmp_path):
    done = carepath(
        tmp_path,
        *("check", "--deploy", "--fail-level", "WARNING"),
        SECRET_KEY=KEY,
        ALLOWED_HOSTS="carepath.example",
        CAREPATH_HTTPS="false",
    )
    assert done.returncode == 1
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr


@pytest.mark.parametrize("proxies", ["10.0.0.1, the-proxy", "10.0.0.0/33"])
def test_fail_closed_trusted_proxies_that_do_not_read_stop_the_start(tmp_path, proxies):
    done = carepath(tmp_path, "check", DEBUG="true", CAREPATH_TRUSTED_PROXIES=proxies)
    assert done.returncode == 1
    bad = proxies.split(", ")[-1]
    assert f"CAREPATH_TRUSTED_PROXIES: '{bad}' is neither an address nor a network" in done.stderr


def test_fail_closed_the_published_development_key_is_refused_in_production(tmp_path):
    done = carepath(
        tmp_path,
        "check",
        DEBUG="false",
        SECRET_KEY="carepath-development-key-not-for-production-use-0123456789abcdef",
        ALLOWED_HOSTS="carepath.example",
    )
    assert done.returncode == 1
    assert "SECRET_KEY is the development key published in Carepath's repository" in done.stderr


@pytest.mark.django_db
def test_fail_closed_the_https_redirect_spares_only_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/en/")["Location"] == "https://testserver/en/"
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/", secure=True).status_code == 200


def test_production_fails_closed_security_txt_says_where_to_report(client, settings):
    settings.CAREPATH_SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404
    settings.CAREPATH_SECURITY_CONTACT = "mailto:security@carepath.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "Contact: mailto:security@carepath.example"
    assert lines[1].startswith("Expires: ")


def test_no_side_effects_reading_the_settings_makes_no_folder(tmp_path):
    shown(tmp_path, DEBUG="true")
    assert not (tmp_path / "data").exists()


def test_no_side_effects_the_carepath_command_makes_the_sqlite_folder(tmp_path):
    done = carepath(tmp_path, "showmigrations", "carepath", DEBUG="true")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["carepath.sqlite3"]


def test_no_side_effects_static_files_are_served_before_collectstatic(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"  # not made: WhiteNoise warning about it would fail the test
    response = client.get("/static/carepath/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_the_carepath_command_reads_the_settings_it_is_given(tmp_path):
    """--settings counts before the command first reads the settings (for the SQLite folder)."""
    done = carepath(tmp_path, "diffsettings", "--settings=tests.settings", DEBUG="true")
    assert done.returncode == 0, done.stderr
    assert "SECRET_KEY = 'carepath-tests-only-key-never-used-elsewhere-5b1f0c9e7d2a4c68a3e1'" in done.stdout


SHOW_MAIL = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"


def test_mail_goes_out_through_the_host_it_is_given_and_to_the_console_without_one(tmp_path):
    def backend(**variables: str) -> str:
        done = python(tmp_path, SHOW_MAIL, DEBUG="true", **variables)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert backend() == "django.core.mail.backends.console.EmailBackend"
    assert backend(EMAIL_HOST="smtp.example.org") == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        backend(EMAIL_HOST="smtp.example.org", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        == "django.core.mail.backends.dummy.EmailBackend"
    )


@pytest.mark.parametrize(
    ("url", "variables", "kept"),
    [
        ("sqlite:///{tmp}/carepath.sqlite3", {}, (0, False)),
        ("postgres://carepath@db.internal:5432/carepath", {}, (60, True)),
        ("postgres://carepath@db.internal:5432/carepath", {"DATABASE_CONN_MAX_AGE": "0"}, (0, False)),
    ],
)
def test_workers_keep_their_connection_to_a_database_server(tmp_path, url, variables, kept):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    done = python(tmp_path, code, DEBUG="true", DATABASE_URL=url.format(tmp=tmp_path), **variables)
    assert done.returncode == 0, done.stderr
    assert tuple(json.loads(done.stdout)) == kept
