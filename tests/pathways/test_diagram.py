"""The pathway diagram (issue 14, item 9): a layered drawing whose boxes never overlap, whose lines never pass
through a box, whose boxes are links to their steps, and which is the same for the same pathway."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from carepath.pathways import diagram
from carepath.pathways.diagram_layout import Layout, arrows_of, layout
from carepath.pathways.graph import STAGES, Pathway

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "carepath" / "pathways" / "templates_data" / "ontario-early-years.json"
SVG = "{http://www.w3.org/2000/svg}"
NAMES = {"to-care": "Vers les soins", "through-care": "Pendant les soins", "out-of-care": "Sortie des soins"}
# The drawing before the layered layout (boxes in a column per stage, arrows drawn straight across) crossed its
# own lines 1,703 times for the template, counted as `crossings` counts them, and ran lines through boxes.
CROSSINGS_BEFORE = 1703


def parsed(drawn: str) -> ElementTree.Element:
    return ElementTree.fromstring(drawn)  # noqa: S314 (our own drawing, the very thing under test)


def template() -> Pathway:
    return Pathway.from_dict(json.loads(TEMPLATE.read_text(encoding="utf-8")))


def odd_pathway() -> Pathway:
    """Every shape a draft can take: a step nothing leads to, a loop on one step, two steps that lead to each
    other, a transition to a step that does not exist, arrows back up across stages, an empty stage."""

    def step(key, stage, *targets, entry=False):
        return {
            "key": key,
            "stage": stage,
            "kind": "refer",
            "entry": entry,
            "title": {"en": f"Step {key}", "fr": f"Étape {key}"},
            "transitions": [{"to": target} for target in targets],
        }

    return Pathway.from_dict(
        {
            "title": {"en": "Odd", "fr": "Bizarre"},
            "steps": [
                step("a", "to-care", "b", "c", "x", entry=True),
                step("b", "to-care", "b", "c"),
                step("c", "through-care", "d", "a"),
                step("d", "through-care", "c", "e", "a"),
                step("e", "through-care", "a", "b"),
                step("alone", "through-care"),
            ],
        }
    )


def sample(segment, count: int = 16):
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = segment
    for index in range(count + 1):
        t = index / count
        u = 1 - t
        yield (
            u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
            u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
        )


def polyline(segments) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for segment in segments:
        points.extend(list(sample(segment))[1 if points else 0 :])
    return points


def crossings(plan: Layout, cell: float = 40) -> int:
    """Places where two lines cross properly (lines that share a stretch, as a bus does, or only touch, do
    not count). Pieces of line are only compared with the pieces of other lines in the same cells of a grid."""

    def side(p, q, r):
        value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return 0 if abs(value) < 1e-6 else (1 if value > 0 else -1)

    grid: dict[tuple[int, int], list[tuple[int, tuple]]] = {}
    for line, arrow in enumerate(plan.arrows):
        for piece in itertools.pairwise(polyline(arrow.segments)):
            (x1, y1), (x2, y2) = piece
            for gx in range(int(min(x1, x2) // cell), int(max(x1, x2) // cell) + 1):
                for gy in range(int(min(y1, y2) // cell), int(max(y1, y2) // cell) + 1):
                    grid.setdefault((gx, gy), []).append((line, piece))
    found = set()
    for pieces in grid.values():
        for (one, (a, b)), (two, (c, d)) in itertools.combinations(pieces, 2):
            if one != two and side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
                found.add(frozenset([(one, a, b), (two, c, d)]))
    return len(found)


@pytest.mark.parametrize("make", [template, odd_pathway])
def test_no_two_boxes_overlap(make):
    boxes = list(layout(make()).boxes.values())
    for one, two in itertools.combinations(boxes, 2):
        apart = (
            one.x + one.width <= two.x
            or two.x + two.width <= one.x
            or one.y + one.height <= two.y
            or two.y + two.height <= one.y
        )
        assert apart, (one, two)


@pytest.mark.parametrize("make", [template, odd_pathway])
def test_no_line_passes_through_a_box(make):
    plan = layout(make())
    for arrow in plan.arrows:
        for x, y in polyline(arrow.segments):
            for box in plan.boxes.values():
                inside = (
                    box.x + 0.5 < x < box.x + box.width - 0.5 and box.y + 0.5 < y < box.y + box.height - 0.5
                )
                assert not inside, (arrow.source, arrow.target, box.key, (x, y))


@pytest.mark.parametrize("make", [template, odd_pathway])
def test_every_line_runs_from_its_source_to_its_target(make):
    plan = layout(make())
    for arrow in plan.arrows:
        (start, *_), (*_, end) = arrow.segments[0], arrow.segments[-1]
        for (x, y), key in ((start, arrow.source), (end, arrow.target)):
            box = plan.boxes[key]
            assert box.x < x < box.x + box.width
            assert y in (box.y, box.y + box.height)


def test_every_pair_of_steps_with_a_transition_gets_one_arrow_except_into_crisis_support():
    pathway = template()
    kinds = {step.key: step.kind for step in pathway.steps}
    expected = {
        (step.key, transition.to)
        for step in pathway.steps
        for transition in step.transitions
        if kinds[transition.to] != "crisis" or step.kind == "crisis"
    }
    drawn = [(arrow.source, arrow.target) for arrow in layout(pathway).arrows]
    assert sorted(drawn) == sorted(expected)
    assert len(drawn) == len(set(drawn))


def test_an_arrow_is_dashed_only_when_every_transition_it_stands_for_is_an_otherwise():
    otherwise = {(s, t): o for s, t, o in arrows_of(template())}
    assert otherwise[("earlyon-drop-in", "step-down-universal")] is True
    assert otherwise[("caregiver-mental-health", "step-down-universal")] is False  # one of each
    assert otherwise[("earlyon-drop-in", "intake-navigation")] is False


def test_odd_shapes_are_drawn_without_loops_or_unknown_steps():
    plan = layout(odd_pathway())
    assert set(plan.boxes) == {"a", "b", "c", "d", "e", "alone"}
    drawn = {(arrow.source, arrow.target) for arrow in plan.arrows}
    assert drawn == {("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("c", "a"), ("d", "c"), ("d", "e")} | {
        ("d", "a"),
        ("e", "a"),
        ("e", "b"),
    }
    assert [lane.stage for lane in plan.lanes] == list(STAGES)
    assert plan.lanes[2].height > 0  # out of care has no step and keeps its band


def test_stages_are_bands_top_to_bottom():
    pathway = template()
    plan = layout(pathway)
    for step in pathway.steps:
        lane = next(lane for lane in plan.lanes if lane.stage == step.stage)
        box = plan.boxes[step.key]
        assert lane.y <= box.y and box.y + box.height <= lane.y + lane.height, step.key
    assert [lane.stage for lane in sorted(plan.lanes, key=lambda lane: lane.y)] == list(STAGES)


def test_the_template_crosses_far_fewer_lines_than_before():
    assert crossings(layout(template())) < CROSSINGS_BEFORE / 2


def test_every_box_is_a_link_to_its_step_named_with_its_whole_title():
    pathway = template()
    root = parsed(diagram.svg(pathway, "fr", title="T", description="D", stage_names=NAMES))
    links = root.findall(f".//{SVG}a")
    assert [link.get("href") for link in links if link.get("href")] == [a.get("href") for a in links]
    by_href = {link.get("href"): link.find(f"{SVG}title").text for link in links}
    assert by_href == {f"#step-{step.key}": step.title["fr"] for step in pathway.steps}
    rect = links[0].find(f"{SVG}rect")
    assert rect is not None and rect.get("class") == "box"


def test_links_come_in_reading_order_grouped_by_stage():
    pathway = template()
    root = parsed(diagram.svg(pathway, "en", title="T", description="D", stage_names=NAMES))
    groups = [g for g in root.findall(f"{SVG}g") if g.get("role") == "group"]
    assert [g.find(f"{SVG}text").text for g in groups] == list(NAMES.values())
    plan = layout(pathway)
    for group in groups:
        keys = [a.get("href").removeprefix("#step-") for a in group.findall(f"{SVG}a")]
        assert keys == sorted(keys, key=lambda key: (plan.boxes[key].y, plan.boxes[key].x))
        assert {pathway.step(key).stage for key in keys} == {
            stage for stage, name in NAMES.items() if name == group.find(f"{SVG}text").text
        }


def test_the_drawing_is_named_described_and_holds_no_style_or_script():
    drawn = diagram.svg(
        template(), "en", title="Early years <pathway>", description="22 steps", stage_names={}
    )
    root = parsed(drawn)
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "pathway-svg-title"
    assert root.find(f"{SVG}title").text == "Early years <pathway>"
    assert root.find(f"{SVG}desc").text == "22 steps"
    assert all(element.get("style") is None for element in root.iter())
    assert root.find(f".//{SVG}script") is None and root.find(f".//{SVG}style") is None


def test_a_title_from_data_is_text_not_markup():
    pathway = odd_pathway()
    pathway.steps[0].title["en"] = '<script>alert(1)</script> & "quotes"'
    root = parsed(diagram.svg(pathway, "en", title="T", description="D", stage_names={}))
    assert root.find(f".//{SVG}script") is None
    assert root.find(f".//{SVG}a/{SVG}title").text == '<script>alert(1)</script> & "quotes"'


def test_the_same_pathway_gives_the_same_svg_in_any_process():
    drawn = diagram.svg(template(), "fr", title="T", description="D", stage_names=NAMES)
    assert diagram.svg(template(), "fr", title="T", description="D", stage_names=NAMES) == drawn
    script = (
        "import json, sys; from carepath.pathways import diagram, graph; "
        f"p = graph.Pathway.from_dict(json.load(open({str(TEMPLATE)!r}))); "
        f"sys.stdout.write(diagram.svg(p, 'fr', title='T', description='D', stage_names={NAMES!r}))"
    )
    for seed in ("1", "2"):  # object hashes and set order change from one process to the next
        other = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert other.stdout == drawn
