"""The pathway as an accessible SVG: stages as swimlanes (columns), steps as boxes, transitions as arrows.

Server-rendered with the standard library only. The SVG has a ``<title>`` and ``<desc>``; pages show the same
content as a list for screen readers, so the drawing itself is marked as an image with that description.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from .graph import STAGES, Pathway

LANE_WIDTH = 300
BOX_WIDTH = 220
BOX_HEIGHT = 64
ROW_GAP = 36
TOP = 64
COLOURS = {"to-care": "#e6f2f0", "through-care": "#eef0f8", "out-of-care": "#f6efe6"}
KIND_STROKE = {"crisis": "#a4161a"}


def _wrap(text: str, width: int = 28, lines: int = 2) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def svg(pathway: Pathway, language: str, *, title: str, description: str, stage_names: dict[str, str]) -> str:
    kinds = {step.key: step.kind for step in pathway.steps}
    rows: dict[str, int] = {}
    position: dict[str, tuple[int, int]] = {}
    for step in pathway.steps:
        lane = STAGES.index(step.stage)
        row = rows.get(step.stage, 0)
        rows[step.stage] = row + 1
        x = lane * LANE_WIDTH + (LANE_WIDTH - BOX_WIDTH) // 2
        y = TOP + row * (BOX_HEIGHT + ROW_GAP)
        position[step.key] = (x, y)
    height = TOP + max(rows.values(), default=1) * (BOX_HEIGHT + ROW_GAP) + 20
    width = LANE_WIDTH * len(STAGES)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="pathway-svg-title pathway-svg-desc" class="pathway-diagram" font-family="system-ui, sans-serif">',
        f'<title id="pathway-svg-title">{escape(title)}</title>',
        f'<desc id="pathway-svg-desc">{escape(description)}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#4a5263"/></marker></defs>',
    ]
    for lane, stage in enumerate(STAGES):
        parts.append(
            f'<rect x="{lane * LANE_WIDTH + 4}" y="4" width="{LANE_WIDTH - 8}" height="{height - 8}" '
            f'rx="10" fill="{COLOURS[stage]}"/>'
        )
        parts.append(
            f'<text x="{lane * LANE_WIDTH + LANE_WIDTH // 2}" y="36" text-anchor="middle" font-size="18" '
            f'font-weight="700" fill="#1d2330">{escape(stage_names.get(stage, stage))}</text>'
        )
    for step in pathway.steps:
        x1, y1 = position[step.key]
        for transition in step.transitions:
            if transition.to not in position or (
                kinds.get(transition.to) == "crisis" and step.kind != "crisis"
            ):
                continue  # every step can lead to crisis support: the caption says so rather than many arrows
            x2, y2 = position[transition.to]
            if x2 > x1:
                start, end = (x1 + BOX_WIDTH, y1 + BOX_HEIGHT // 2), (x2, y2 + BOX_HEIGHT // 2)
            elif x2 < x1:
                start, end = (x1, y1 + BOX_HEIGHT // 2), (x2 + BOX_WIDTH, y2 + BOX_HEIGHT // 2)
            else:
                start, end = (
                    (x1 + BOX_WIDTH, y1 + BOX_HEIGHT // 2 - 8),
                    (x2 + BOX_WIDTH, y2 + BOX_HEIGHT // 2 + 8),
                )
            bend = (LANE_WIDTH - BOX_WIDTH) // 2 + 10 if x1 == x2 else 0  # same lane: round the right margin
            dash = ' stroke-dasharray="6 4"' if transition.otherwise else ""
            parts.append(
                f'<path d="M {start[0]} {start[1]} C {start[0] + bend + (end[0] - start[0]) / 2} {start[1]}, '
                f'{end[0] + bend - (end[0] - start[0]) / 2} {end[1]}, {end[0]} {end[1]}" fill="none" '
                f'stroke="#4a5263" stroke-width="1.5"{dash} marker-end="url(#arrow)"/>'
            )
    for step in pathway.steps:
        x, y = position[step.key]
        stroke = KIND_STROKE.get(step.kind, "#0b5e55")
        width_attr = 3 if step.entry else 1.5
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="8" fill="#fff" '
            f'stroke="{stroke}" stroke-width="{width_attr}"/>'
        )
        name = step.title.get(language) or step.title.get("en") or step.key
        for index, line in enumerate(_wrap(name, width=26)):
            parts.append(
                f'<text x="{x + BOX_WIDTH // 2}" y="{y + 27 + index * 19}" text-anchor="middle" '
                f'font-size="14" fill="#1d2330">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
