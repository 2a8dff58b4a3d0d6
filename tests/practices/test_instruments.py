"""Instruments are data: the shipped IPCHS instrument, and every problem in a broken file named by place."""

from __future__ import annotations

import copy
import json

from carepath.practices import instruments

SHIPPED = json.loads((instruments.SHIPPED / "ipchs-v1.json").read_text(encoding="utf-8"))


def test_the_ipchs_instrument_has_five_strategies_and_nineteen_approaches_of_one_to_three_questions():
    assert instruments.problems(SHIPPED) == []
    layout = instruments.layout(SHIPPED)
    assert [s.code for s in layout.sections] == ["1", "2", "3", "4", "5"]
    assert [len(s.items) for s in layout.sections] == [3, 2, 5, 3, 6]
    assert all(1 <= len(item.questions) <= 3 for item in layout.items)
    assert [level["value"] for level in SHIPPED["scale"]["levels"]] == [0, 1, 2, 3, 4, 5]
    assert SHIPPED["scale"]["not_applicable"] is True
    for item in layout.items:
        assert item.questions[0].startswith(item.code + ".")


def test_every_level_of_every_ipchs_question_has_a_meaning_in_both_languages():
    for section in SHIPPED["sections"]:
        for item in section["items"]:
            for question in item["questions"]:
                assert sorted(question["levels"]) == ["0", "1", "2", "3", "4", "5"]
                assert all(text["en"] and text["fr"] for text in question["levels"].values())


def test_read_names_every_problem_with_its_place():
    broken = copy.deepcopy(SHIPPED)
    del broken["sections"][1]["items"][0]["title"]["fr"]
    broken["sections"][2]["items"][1]["questions"][0]["code"] = "has space"
    broken["scale"]["max"] = "five"
    document, problems = instruments.read(json.dumps(broken).encode())
    assert document is None
    assert problems == [
        "scale/max: 'five' is not of type 'integer'",
        "sections/1/items/0/title: 'fr' is a required property",
        "sections/2/items/1/questions/0/code: 'has space' does not match '^[A-Za-z0-9][A-Za-z0-9.-]*$'",
    ]


def test_read_checks_what_the_schema_cannot_say():
    broken = copy.deepcopy(SHIPPED)
    broken["scale"]["levels"] = broken["scale"]["levels"][:5]
    broken["sections"][0]["items"][1]["code"] = "1.1"
    broken["sections"][0]["items"][0]["questions"][0]["levels"]["7"] = {"en": "x", "fr": "x"}
    _document, problems = instruments.read(json.dumps(broken).encode())
    assert problems == [
        "scale/levels: give each value from 0 to 5 exactly once (found 0, 1, 2, 3, 4).",
        "sections/0/items/0/questions/0/levels: 7 is not a level of the scale.",
        "sections/0/items/1/code: '1.1' is already used at sections/0/items/0.",
    ]


def test_read_rejects_broken_json_and_other_encodings_with_the_place():
    assert instruments.read(b'{"code": ', "x.json") == (
        None,
        ["x.json: the JSON is broken at line 1, column 10: Expecting value"],
    )
    assert instruments.read("é".encode("latin-1"), "x.json") == (
        None,
        ["x.json: the file is not UTF-8 text."],
    )
