"""The pathway as an accessible SVG: a layered drawing with the three stages as swimlanes, top to bottom.

``diagram_layout`` says where everything goes; this module draws it. Each box is a link to its step
(``#step-<key>``, the step's card on the same page) named with the step's full title; boxes come in reading order
(stage, then rank, then left to right), grouped by stage. The drawing has a ``<title>`` and a ``<desc>``, and the
pages show the same content as a list. Presentation attributes only (no inline style: the CSP forbids it); focus,
hover and forced colours come from ``site.css``. The same pathway always gives the same SVG.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from .diagram_layout import MARGIN, Box, Lane, Layout, Segment, layout
from .graph import Pathway, Step

LINE_CHARS = 24
LINES = 3
LINK_PREFIX = "#step-"
COLOURS = {"to-care": "#e6f2f0", "through-care": "#eef0f8", "out-of-care": "#f6efe6"}
KIND_STROKE = {"crisis": "#a4161a"}
INK, MUTED, BORDER = "#1d2330", "#4a5263", "#0b5e55"


def _wrap(text: str, width: int = LINE_CHARS, lines: int = LINES) -> list[str]:
    """The title in at most ``lines`` lines of about ``width`` characters; what does not fit ends in "…" (the
    link's name is the whole title)."""
    words, out, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    out = [part if len(part) <= width else part[: width - 1] + "…" for part in out]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path(segments: Iterable[Segment]) -> str:
    parts = []
    for index, (start, one, two, end) in enumerate(segments):
        if index == 0:
            parts.append(f"M{_n(start[0])} {_n(start[1])}")
        parts.append(f"C{_n(one[0])} {_n(one[1])} {_n(two[0])} {_n(two[1])} {_n(end[0])} {_n(end[1])}")
    return " ".join(parts)


def svg(pathway: Pathway, language: str, *, title: str, description: str, stage_names: dict[str, str]) -> str:
    plan = layout(pathway)
    steps: dict[str, Step] = {}
    for step in pathway.steps:
        steps.setdefault(step.key, step)
    width, height = _n(plan.width), _n(plan.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="group" aria-labelledby="pathway-svg-title" aria-describedby="pathway-svg-desc" '
        'class="pathway-diagram" font-family="system-ui, sans-serif">',
        f'<title id="pathway-svg-title">{escape(title)}</title>',
        f'<desc id="pathway-svg-desc">{escape(description)}</desc>',
        '<defs><marker id="pathway-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{MUTED}" class="head"/></marker></defs>',
        '<g class="lanes" aria-hidden="true">',
    ]
    for lane in plan.lanes:
        parts.append(
            f'<rect x="4" y="{_n(lane.y)}" width="{_n(plan.width - 8)}" height="{_n(lane.height)}" rx="10" '
            f'fill="{COLOURS[lane.stage]}"/>'
        )
    parts.append('</g><g class="routes" aria-hidden="true" fill="none">')
    for arrow in plan.arrows:
        dash = ' stroke-dasharray="6 4"' if arrow.otherwise else ""
        parts.append(
            f'<path d="{_path(arrow.segments)}" stroke="{MUTED}" stroke-width="1.5"{dash} '
            'marker-end="url(#pathway-arrow)"/>'
        )
    parts.append("</g>")
    for lane in plan.lanes:
        parts.append(_lane(lane, stage_names.get(lane.stage, lane.stage), plan, steps, language))
    parts.append("</svg>")
    return "".join(parts)


def _lane(lane: Lane, name: str, plan: Layout, steps: dict[str, Step], language: str) -> str:
    """A stage's name and its steps, as a group named after the stage, the boxes in reading order."""
    label = f"pathway-stage-{lane.stage}"
    parts = [
        f'<g role="group" aria-labelledby="{label}">',
        # Over the lines that cross the top of the lane, with a halo of the lane's colour round the letters; read
        # once, as the group's name.
        f'<text id="{label}" aria-hidden="true" x="{MARGIN + 8}" y="{_n(lane.y + 30)}" font-size="18" '
        f'font-weight="700" fill="{INK}" stroke="{COLOURS[lane.stage]}" stroke-width="6" stroke-linejoin="round" '
        f'paint-order="stroke">{escape(name)}</text>',
    ]
    boxes = sorted((box for box in plan.boxes.values() if steps[box.key].stage == lane.stage), key=_reading)
    for box in boxes:
        step = steps[box.key]
        title = step.title.get(language) or step.title.get("en") or step.key
        lines = _wrap(title)
        parts.append(
            f'<a href={quoteattr(LINK_PREFIX + step.key)} class="step"><title>{escape(title)}</title>'
            f'<rect class="box" x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{_n(box.height)}" '
            f'rx="8" fill="#fff" stroke="{KIND_STROKE.get(step.kind, BORDER)}" '
            f'stroke-width="{3 if step.entry else 1.5}"/>'
        )
        first = box.y + box.height / 2 - (len(lines) - 1) * 9 + 5
        for index, line in enumerate(lines):
            parts.append(
                f'<text x="{_n(box.x + box.width / 2)}" y="{_n(first + index * 18)}" text-anchor="middle" '
                f'font-size="14" fill="{INK}">{escape(line)}</text>'
            )
        parts.append("</a>")
    parts.append("</g>")
    return "".join(parts)


def _reading(box: Box) -> tuple[float, float]:
    return box.y, box.x
