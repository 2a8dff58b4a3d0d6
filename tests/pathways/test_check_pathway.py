"""``carepath check-pathway PATH``: the editor's checks on a pathway file, for a pathway kept in a repository."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carepath.pathways import documents

NBSP = "\u00a0"


def write(tmp_path, document, name="pathway.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def template_with(change):
    document = documents.template()
    for step in document["steps"]:
        change(step)
    return document


def only_toddlers_leave_screening(step):
    """Planted hole: the screening step's only ways on are for 12 to 40 months, though ages 1 to 72 are sent
    there (another branch upstream still serves the others)."""
    if step["key"] == "developmental-screening":
        step["transitions"] = [
            {"to": "assessment", "criteria": {"age_months": {"min": 12, "max": 40}}},
        ]


def run(*args):
    out = io.StringIO()
    call_command("check-pathway", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_sound_pathway_passes(tmp_path):
    assert run(write(tmp_path, documents.template())).strip() == "No problem found."


def test_warnings_are_printed_by_step_title_and_do_not_fail(tmp_path):
    printed = run(write(tmp_path, template_with(only_toddlers_leave_screening)))
    lines = printed.strip().splitlines()
    assert lines[-1] == "0 errors, 1 warning"
    assert lines[0].startswith(
        "warning: Families with a child of 1 to 11 months, 41 to 72 months (any urgency; any screening result) "
        "are sent to step “Developmental and social-emotional screening” (developmental-screening)"
    )
    assert "add an 'otherwise' transition" in lines[0]


def test_errors_fail_with_exit_code_1_and_json_names_each_problem(tmp_path):
    def routine_ways_in_stop_at_40(step):
        if step["entry"] and step["kind"] != "crisis":
            step["age_months"] = {"min": 0, "max": 40}

    path = write(tmp_path, template_with(routine_ways_in_stop_at_40))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check-pathway", str(path), "--json", stdout=out)
    assert raised.value.returncode == 1
    problems = json.loads(out.getvalue())
    assert problems and {p["severity"] for p in problems} <= {"error", "warning"}
    errors = [p for p in problems if p["severity"] == "error"]
    assert errors and all(p["code"] and p["message"] for p in errors)


def test_messages_in_french(tmp_path):
    printed = run(write(tmp_path, template_with(only_toddlers_leave_screening)), "--language", "fr")
    first, summary = printed.strip().splitlines()
    assert summary == "0 erreur, 1 avertissement"
    assert first.startswith(
        f"avertissement{NBSP}: Des familles dont l’enfant a 1 à 11 mois, 41 à 72 mois (toute urgence{NBSP}; "
        f"tout résultat de dépistage) sont dirigées vers l’étape "
        f"«{NBSP}Dépistage du développement et du développement socioaffectif{NBSP}» (developmental-screening)"
    )


def test_a_broken_file_is_named_with_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "carepath-pathway/1", "steps": [', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check-pathway", str(path), stdout=out)
    assert out.getvalue().startswith("error: broken.json: the JSON is broken at line 1, column 44")


def test_a_file_that_breaks_the_schema_names_where(tmp_path):
    document = documents.template()
    document["steps"][0]["stage"] = "elsewhere"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check-pathway", str(write(tmp_path, document)), "--json", stdout=out)
    problems = json.loads(out.getvalue())
    assert [p["where"] for p in problems] == ["steps/0/stage"]


def test_the_command_line_needs_no_configuration_and_exits_1_on_errors(tmp_path):
    path = write(tmp_path, {"format": "carepath-pathway/1", "title": {"en": "T", "fr": "T"}, "steps": []})
    done = subprocess.run(
        [sys.executable, "-m", "carepath.cli", "check-pathway", str(path)],
        capture_output=True,
        text=True,
        # as in a pipeline that keeps a pathway: no configuration, no secret key, no database
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")
        },
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("error: steps: [] should be non-empty")
