"""make lint's check that modules stay under the house limit of lines, the listed ones under their own."""

from __future__ import annotations

from tools.module_lines import ROOT, too_long

CONFIG = """
[tool.carepath.module-lines]
limit = 5
debt = { "carepath/old.py" = 7 }
"""


def _tree(tmp_path, files, config=CONFIG):
    (tmp_path / "pyproject.toml").write_text(config)
    for name, lines in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * lines)
    return tmp_path


def test_the_project_keeps_its_limits():
    assert too_long(ROOT) == []


def test_a_module_past_the_limit_is_reported_with_its_count(tmp_path):
    root = _tree(tmp_path, {"carepath/a.py": 5, "carepath/app/b.py": 6, "carepath/old.py": 7})
    assert too_long(root) == ["carepath/app/b.py: 6 lines, more than 5"]


def test_a_listed_module_may_not_grow_and_migrations_do_not_count(tmp_path):
    root = _tree(tmp_path, {"carepath/old.py": 8, "carepath/app/migrations/0001_initial.py": 50})
    assert too_long(root) == ["carepath/old.py: 8 lines, more than 7"]


def test_a_listed_module_that_is_gone_must_be_taken_off(tmp_path):
    root = _tree(tmp_path, {"carepath/a.py": 1})
    assert too_long(root) == [
        "carepath/old.py is listed in [tool.carepath.module-lines] but no longer exists: take it off"
    ]
