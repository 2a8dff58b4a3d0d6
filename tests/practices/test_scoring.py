"""Alignment scores and agreement: pure functions, with properties checked by hypothesis."""

from __future__ import annotations

import json
from statistics import fmean

from hypothesis import given
from hypothesis import strategies as st

from carepath.practices import instruments, radar, scoring
from carepath.practices.instruments import Item, Layout, Section

IPCHS = instruments.layout(json.loads((instruments.SHIPPED / "ipchs-v1.json").read_text(encoding="utf-8")))
SMALL = Layout(
    sections=(
        Section("1", (Item("1.1", ("a", "b")), Item("1.2", ("c",)))),
        Section("2", (Item("2.1", ("d", "e", "f")),)),
    ),
    minimum=0,
    maximum=5,
)

answer = st.one_of(st.none(), st.integers(0, 5))
answers = st.dictionaries(st.sampled_from(IPCHS.questions), answer)


def test_item_section_and_overall_means_weigh_parts_equally():
    result = scoring.score(SMALL, {"a": 5, "b": 3, "c": 1, "d": 0, "e": 2, "f": None})
    assert result.items == {"1.1": 4.0, "1.2": 1.0, "2.1": 1.0}
    assert result.sections == {"1": 2.5, "2": 1.0}
    assert result.overall == 1.75
    assert (result.answered, result.not_applicable, result.total) == (5, 1, 6)
    assert result.complete


def test_not_applicable_and_unanswered_count_nowhere():
    result = scoring.score(SMALL, {"a": None, "b": None, "d": 4})
    assert result.items == {"1.1": None, "1.2": None, "2.1": 4.0}
    assert result.sections == {"1": None, "2": 4.0}
    assert result.overall == 4.0


def test_nothing_answered_has_no_score_rather_than_zero():
    result = scoring.score(SMALL, {})
    assert result.overall is None
    assert set(result.items.values()) == {None}


@given(answers)
def test_scores_stay_on_the_scale(given_answers):
    result = scoring.score(IPCHS, given_answers)
    for value in [*result.items.values(), *result.sections.values(), result.overall]:
        assert value is None or 0 <= value <= 5
    assert result.answered + result.not_applicable == len(given_answers)


@given(answers, st.sampled_from(IPCHS.questions))
def test_raising_one_answer_never_lowers_any_score(given_answers, question):
    before = scoring.score(IPCHS, {**given_answers, question: 2})
    after = scoring.score(IPCHS, {**given_answers, question: 3})
    assert after.overall >= before.overall
    for code, value in before.items.items():
        assert value is None or after.items[code] >= value


@given(st.integers(0, 5))
def test_the_same_level_everywhere_is_that_score_everywhere(level):
    result = scoring.score(IPCHS, dict.fromkeys(IPCHS.questions, level))
    assert result.overall == level
    assert result.complete
    assert set(result.sections.values()) == {level}


@given(st.lists(answers, min_size=1, max_size=5))
def test_average_is_the_mean_of_the_overall_scores(many):
    scores = [scoring.score(IPCHS, a) for a in many]
    mean = scoring.average(IPCHS, scores)
    overall = [s.overall for s in scores if s.overall is not None]
    assert mean.overall == (fmean(overall) if overall else None)


def test_agreement_kinds_and_suggestion():
    people = [{"a": 3, "b": 1, "c": 2, "d": None}, {"a": 3, "b": 4, "c": 3, "d": 2}, {"a": 3, "c": 2}]
    found = scoring.agreement(SMALL, people)
    assert found["a"] == scoring.Agreement((3, 3, 3), 0, "agree", 0, 3)
    assert found["b"].kind == "differ" and found["b"].spread == 3 and found["b"].suggestion == 1
    assert found["c"].kind == "close" and found["c"].suggestion == 2
    assert found["d"].kind == "differ" and found["d"].not_applicable == 1
    assert found["e"].kind == "single" and found["e"].levels == ()


def test_agreement_on_not_applicable_suggests_not_applicable():
    found = scoring.agreement(SMALL, [{"a": None}, {"a": None}])
    assert found["a"] == scoring.Agreement((), 2, "agree", None, None)


def test_radar_has_a_title_a_description_and_one_point_per_axis_and_series():
    picture = radar.svg(
        axes=["1.1", "1.2", "<2.1>"],
        series=[
            radar.Series("Ours", [4.0, None, 2.5], "primary"),
            radar.Series("Average", [3, 3, 3], "compare"),
        ],
        maximum=5,
        title="Alignment",
        description="Three approaches",
    )
    assert picture.startswith('<svg class="radar"') and 'role="img"' in picture
    assert '<title id="radar-title">Alignment</title>' in picture
    assert picture.count("<circle") == 6
    assert "Ours, 1.2: –" in picture and "Average, &lt;2.1&gt;: 3.0" in picture
    assert picture.count('class="ring"') == 5
