"""An accessible radar chart as SVG: one axis per scored part, one or two series. Pure, no Django.

The chart is a picture of figures the page also gives as a table; it carries a title and a description,
and each point a ``<title>`` with its value so it can be read on hover and by assistive technology.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SIZE = 420
CENTRE = SIZE / 2
RADIUS = 150


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    css: str  # "primary" or "compare"


def _point(index: int, count: int, value: float, maximum: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / maximum
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _xy(point: tuple[float, float]) -> str:
    return f"{point[0]:.1f},{point[1]:.1f}"


def svg(
    *,
    axes: Sequence[str],
    series: Sequence[Series],
    maximum: int,
    title: str,
    description: str,
    ident: str = "radar",
) -> str:
    count = len(axes)
    parts = [
        f'<svg class="radar" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for level in range(1, maximum + 1):
        ring = " ".join(_xy(_point(i, count, level, maximum)) for i in range(count))
        parts.append(f'<polygon class="ring" points="{ring}"/>')
    for i, label in enumerate(axes):
        end = _point(i, count, maximum, maximum)
        x, y = _point(i, count, maximum * 1.14, maximum)
        anchor = "middle" if abs(x - CENTRE) < 8 else ("start" if x > CENTRE else "end")
        parts.append(f'<line class="axis" x1="{CENTRE}" y1="{CENTRE}" x2="{end[0]:.1f}" y2="{end[1]:.1f}"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{escape(label)}</text>')
    for s in series:
        points = [_point(i, count, v or 0, maximum) for i, v in enumerate(s.values)]
        parts.append(f'<g class="series {escape(s.css)}"><polygon points="{" ".join(map(_xy, points))}"/>')
        for (x, y), label, value in zip(points, axes, s.values, strict=True):
            shown = "–" if value is None else f"{value:.1f}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5"><title>{escape(s.name)}, {escape(label)}: '
                f"{shown}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
