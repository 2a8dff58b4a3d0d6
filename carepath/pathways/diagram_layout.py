"""Where the pathway diagram puts things: a layered drawing, top to bottom, with the three stages as bands.

Pure Python, no Django. Steps are ranked inside their stage's band (to care above through care above out of care):
the longest run of forward transitions that leads to a step, a transition back to an earlier step (found depth
first in the pathway's order) not counting. grandalf's Sugiyama layout then orders each rank to cut crossings
(sweeping down and up, keeping the best order it meets), and its Brandes-Köpf coordinates are drawn in towards
each thing's neighbours (``_straighten``). Every arrow runs from its upper step to its lower one (turned round at
the end when it goes up). An arrow that spans ranks passes each rank between in a slot of its own, beside the
boxes, never through one; long arrows that leave one step, or reach one, share a single line (a bus) until they
part. Between two ranks a line is an S-curve that stays between them. The same pathway always gives the same
layout: grandalf keeps its vertices and edges in the order given, and so does everything here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from grandalf.graphs import Edge, Vertex, graph_core
from grandalf.layouts import Layer, SugiyamaLayout, VertexViewer

from .graph import STAGES, Pathway, Step

BOX_WIDTH = 200
BOX_HEIGHT = 72
BOX_MARGIN = 10  # kept clear around a box, beside the gap
X_GAP = 8  # between two things side by side in a rank: boxes, slots
SLOT = 6  # the width a line takes where it passes a rank
PORT_INSET = 12  # lines meet a box's side this far from its corners
RANK_GAP = 56  # between two ranks of a stage
LANE_HEADER = 44  # the stage's name, at the top of its lane
LANE_PAD = 20  # below the last rank of a lane
LANE_GAP = 8
EMPTY_LANE = 72
MARGIN = 16
MIN_WIDTH = 320
ORDERING_ROUNDS = 8
STRAIGHTEN_SWEEPS = 8

Point = tuple[float, float]
Segment = tuple[Point, Point, Point, Point]  # a cubic Bézier: start, two controls, end


@dataclass(frozen=True)
class Box:
    key: str
    x: float  # left
    y: float  # top
    width: float = BOX_WIDTH
    height: float = BOX_HEIGHT


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    otherwise: bool  # every transition it stands for is an *otherwise*
    segments: tuple[Segment, ...]  # from the source's side to the target's side


@dataclass(frozen=True)
class Lane:
    stage: str
    y: float
    height: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    lanes: tuple[Lane, ...]
    boxes: dict[str, Box]
    arrows: tuple[Arrow, ...]


# --- What is drawn, and in which rank --------------------------------------------------------------------------------------------


def arrows_of(pathway: Pathway) -> list[tuple[str, str, bool]]:
    """(source, target, otherwise) once per pair of steps, in the pathway's order. Arrows to crisis support are
    left out (every step can lead there: the caption says so), and so are loops and arrows to unknown steps."""
    steps = {step.key: step for step in pathway.steps if step.stage in STAGES}
    pairs: dict[tuple[str, str], bool] = {}
    for step in steps.values():
        for transition in step.transitions:
            target = steps.get(transition.to)
            if (
                target is None
                or target.key == step.key
                or (target.kind == "crisis" and step.kind != "crisis")
            ):
                continue
            pair = (step.key, target.key)
            pairs[pair] = pairs.get(pair, True) and transition.otherwise
    return [(source, target, otherwise) for (source, target), otherwise in pairs.items()]


def _ranks(keys_by_stage: dict[str, list[str]], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """A rank for every step: each stage takes the ranks after the stage before it; inside a stage, the longest
    run of forward transitions that leads to a step (a transition back to an earlier step, found depth first in
    the pathway's order, does not count)."""
    stage_of = {key: stage for stage, keys in keys_by_stage.items() for key in keys}
    ranks: dict[str, int] = {}
    first = 0
    for stage, keys in keys_by_stage.items():
        inside = {key: [t for s, t in edges if s == key and stage_of[t] == stage] for key in keys}
        forward = _drop_back_edges(keys, inside)
        local = dict.fromkeys(keys, 0)
        for key in _topological(keys, forward):
            for target in forward[key]:
                local[target] = max(local[target], local[key] + 1)
        ranks.update({key: first + rank for key, rank in local.items()})
        first += max(local.values(), default=-1) + 1
    return ranks


def _drop_back_edges(keys: list[str], out: dict[str, list[str]]) -> dict[str, list[str]]:
    """The transitions left when those that lead back to a step on the current path (depth first, from each
    step in the pathway's order) are set aside: what is left has no loop, and a step set aside is always ranked
    above the step it comes from."""
    state: dict[str, int] = {}  # 1 on the path being explored, 2 done
    kept: dict[str, list[str]] = {key: [] for key in keys}
    for root in keys:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            key, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                state[key] = 2
                stack.pop()
            elif state.get(target) != 1:  # an arrow back to a step on the path would close a loop
                kept[key].append(target)
                if target not in state:
                    state[target] = 1
                    stack.append((target, iter(out[target])))
    return kept


def _topological(keys: list[str], out: dict[str, list[str]]) -> list[str]:
    """Every step after the steps that lead to it (Kahn's order, ties in the pathway's order)."""
    incoming = dict.fromkeys(keys, 0)
    for targets in out.values():
        for target in targets:
            incoming[target] += 1
    ready = [key for key in keys if incoming[key] == 0]
    order = []
    while ready:
        key = ready.pop(0)
        order.append(key)
        for target in out[key]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return order


# --- Where it goes ----------------------------------------------------------------------------------------------
# The drawing is worked out top down: every arrow runs from its upper step to its lower one (and is turned round
# at the end when it goes up). An arrow longer than one rank either joins a bus (the arrows that leave one step,
# or reach one, share a single line until they part) or gets a slot of its own from grandalf in each rank between.

Node = str | tuple[int, int]  # a step's key, or where bus n passes rank r: (n, r)
Link = tuple[Node, Node, bool]  # upper, lower, and whether the arrow goes down


class _RankedLayout(SugiyamaLayout):  # type: ignore[misc]
    """grandalf's Sugiyama layout with the ranks given (the stages' bands), not computed from the graph."""

    def __init__(self, component: graph_core, ranks: dict[Node, int]) -> None:
        self._given = ranks
        super().__init__(component)

    def rank_all(self, roots: object, optimize: bool = False) -> None:
        for vertex in self.g.sV:
            rank = self._given[vertex.data]
            self.grx[vertex].rank = rank
            while len(self.layers) <= rank:
                self.layers.append(Layer([]))
            self.layers[rank].append(vertex)

    def crossings(self) -> int:
        """Crossings between each rank and the one above it, for the current order of every rank."""
        self._edge_inverter()  # grandalf counts on its acyclic view of the graph (nothing is inverted here)
        self.dirv = -1
        count = sum(layer._cc() for layer in self.layers[1:])
        self._edge_inverter()
        return int(count)

    def place(self, rounds: int) -> None:
        """Sweep the ranks down and up (at most ``rounds`` times, until two sweeps in a row find nothing better)
        and keep the order with the fewest crossings (a sweep can make it worse), then set the coordinates."""
        best, kept, stale = self.crossings(), [list(layer) for layer in self.layers], 0
        while rounds > 0 and stale < 2 and best > 0:
            rounds -= 1
            for _step in self.ordering_step():
                pass
            count = self.crossings()
            if count < best:
                best, kept, stale = count, [list(layer) for layer in self.layers], 0
            else:
                stale += 1
        for layer, order in zip(self.layers, kept, strict=True):
            layer[:] = order
            layer.setup(self)
        self.setxy()


def _wires(drawn: Sequence[tuple[str, str, bool]], ranks: dict[str, int]) -> list[list[Link]]:
    """The links each arrow follows, from its upper step to its lower one. Long arrows that share an end (and a
    direction) share a bus: the largest groups first, and only groups of two or more."""
    ends = []
    for source, target, _ in drawn:
        down = ranks[source] < ranks[target]
        ends.append((source, target, down) if down else (target, source, down))
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for index, (upper, lower, down) in enumerate(ends):
        if ranks[lower] - ranks[upper] > 1:
            groups.setdefault(("upper", upper, down), []).append(index)
            groups.setdefault(("lower", lower, down), []).append(index)
    bus_of: dict[int, int] = {}
    for _key, members in sorted(groups.items(), key=lambda item: -len(item[1])):  # stable: first seen first
        free = [index for index in members if index not in bus_of]
        if len(free) >= 2:
            bus = len(set(bus_of.values()))
            bus_of.update(dict.fromkeys(free, bus))
    chains = []
    for index, (upper, lower, down) in enumerate(ends):
        points: list[Node] = []
        if index in bus_of:
            points = [(bus_of[index], rank) for rank in range(ranks[upper] + 1, ranks[lower])]
        route = [upper, *points, lower]
        chains.append([(a, b, down) for a, b in itertools.pairwise(route)])
    return chains


def _rank(node: Node, ranks: dict[str, int]) -> int:
    return ranks[node] if isinstance(node, str) else node[1]


def _room(node: Node) -> float:
    return BOX_WIDTH + 2 * BOX_MARGIN if isinstance(node, str) else SLOT


def _components(nodes: list[Node], links: Iterable[Link]) -> list[list[Node]]:
    order = {node: index for index, node in enumerate(nodes)}
    parent = {node: node for node in nodes}

    def root(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for upper, lower, _down in links:
        a, b = sorted((root(upper), root(lower)), key=order.__getitem__)
        parent[b] = a
    groups: dict[Node, list[Node]] = {}
    for node in nodes:
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def _place(
    nodes: list[Node], links: list[Link], ranks: dict[str, int]
) -> tuple[dict[Node, float], dict[Link, dict[int, float]], float]:
    """Centres (x, from 0) of a connected group's boxes and bus points, and of each long link's slot in the
    ranks it passes; and the group's width."""
    low = min(_rank(node, ranks) for node in nodes)
    vertices = {node: Vertex(node) for node in nodes}
    for node, vertex in vertices.items():
        vertex.view = VertexViewer(_room(node), BOX_HEIGHT)
    edges = {link: Edge(vertices[link[0]], vertices[link[1]]) for link in links}
    sugiyama = _RankedLayout(
        graph_core(list(vertices.values()), list(edges.values())),
        {node: _rank(node, ranks) - low for node in nodes},
    )
    sugiyama.xspace, sugiyama.dw, sugiyama.dh = X_GAP, SLOT, BOX_HEIGHT
    sugiyama.init_all(roots=[], inverted_edges=[])
    sugiyama.place(ORDERING_ROUNDS)
    centre = _straighten(sugiyama, edges.values())
    left = min(x - item.view.w / 2 for item, x in centre.items())
    width = max(x + item.view.w / 2 for item, x in centre.items()) - left
    slots = {  # grandalf's control points of a long edge are its two ends and a dummy in each rank between
        link: {rank + low: centre[ctrl[rank]] - left for rank in sorted(ctrl)[1:-1]}
        for link, edge in edges.items()
        if (ctrl := sugiyama.ctrls.get(edge))
    }
    return {node: centre[vertex] - left for node, vertex in vertices.items()}, slots, width


def _straighten(
    sugiyama: _RankedLayout, edges: Iterable[Edge], sweeps: int = STRAIGHTEN_SWEEPS
) -> dict[Any, float]:  # grandalf vertices (ours and its dummies)
    """Brandes-Köpf's coordinates spread a dense pathway wide. Starting from them, each rank in turn (down, then
    up) is set as close as it can be to where its neighbours above and below are, keeping grandalf's order and the
    room each thing needs: shorter, straighter lines and a narrower drawing."""
    near: dict[Any, list[Any]] = {}
    for edge in edges:
        ctrl = sugiyama.ctrls.get(edge, {})
        chain = [edge.v[0], *(ctrl[rank] for rank in sorted(ctrl)[1:-1]), edge.v[1]]
        for upper, lower in itertools.pairwise(chain):
            near.setdefault(upper, []).append(lower)
            near.setdefault(lower, []).append(upper)
    x = {item: float(item.view.xy[0]) for layer in sugiyama.layers for item in layer}
    order = [*sugiyama.layers, *reversed(sugiyama.layers)] * sweeps
    for layer in order:
        wanted = [
            sum(x[n] for n in near.get(item, ())) / len(near[item]) if item in near else x[item]
            for item in layer
        ]
        weights = [len(near.get(item, ())) + 0.5 for item in layer]
        gaps = [X_GAP + (a.view.w + b.view.w) / 2 for a, b in itertools.pairwise(layer)]
        x.update(zip(layer, _closest(wanted, weights, gaps), strict=True))
    return x


def _closest(wanted: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """The positions, in the given order and at least ``gaps`` apart, nearest (weighted least squares) to the
    wanted ones: pool adjacent violators on the positions less the gaps before them."""
    before = [0.0]
    for gap in gaps:
        before.append(before[-1] + gap)
    blocks: list[list[float]] = []  # value, weight, count
    for want, weight, offset in zip(wanted, weights, before, strict=True):
        blocks.append([want - offset, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            value, weight2, count = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + value * weight2) / (blocks[-1][1] + weight2),
                blocks[-1][1] + weight2,
                blocks[-1][2] + count,
            ]
    values = [value for value, _weight, count in blocks for _ in range(int(count))]
    return [value + offset for value, offset in zip(values, before, strict=True)]


def layout(pathway: Pathway) -> Layout:
    """Where every lane, box and arrow goes (a step whose key comes again is drawn once, as it first comes)."""
    steps: dict[str, Step] = {}
    for step in pathway.steps:
        if step.stage in STAGES:
            steps.setdefault(step.key, step)
    drawn = arrows_of(pathway)
    ranks = _ranks(
        {stage: [k for k in steps if steps[k].stage == stage] for stage in STAGES},
        [(s, t) for s, t, _ in drawn],
    )
    chains = _wires(drawn, ranks)
    links = list(dict.fromkeys(link for chain in chains for link in chain))
    nodes: list[Node] = [
        *steps,
        *dict.fromkeys(node for link in links for node in link[:2] if not isinstance(node, str)),
    ]
    centres: dict[Node, float] = {}
    slots: dict[Link, dict[int, float]] = {}
    offset = float(MARGIN)
    for group in _components(nodes, links):
        members = set(group)
        placed, passed, width = _place(group, [link for link in links if link[0] in members], ranks)
        centres.update({node: x + offset for node, x in placed.items()})
        slots.update({link: {r: x + offset for r, x in xs.items()} for link, xs in passed.items()})
        offset += width + X_GAP
    lanes, tops = _lanes({stage: [ranks[k] for k in steps if steps[k].stage == stage] for stage in STAGES})
    boxes = {key: Box(key, round(centres[key] - BOX_WIDTH / 2, 1), tops[ranks[key]]) for key in steps}
    ports = _ports(links, boxes, centres, slots)
    arrows = tuple(
        Arrow(
            source,
            target,
            otherwise,
            _segments(chain, ranks[source] < ranks[target], ports, centres, slots, tops, ranks),
        )
        for (source, target, otherwise), chain in zip(drawn, chains, strict=True)
    )
    width = max(math.ceil(offset - X_GAP + MARGIN), MIN_WIDTH)
    return Layout(width, lanes[-1].y + lanes[-1].height + MARGIN, tuple(lanes), boxes, arrows)


def _lanes(ranks_by_stage: dict[str, list[int]]) -> tuple[list[Lane], dict[int, float]]:
    """Each stage's band, and the top of each rank: a band holds its stage's ranks under the stage's name."""
    lanes, tops = [], {}
    y = float(MARGIN)
    for stage, ranks in ranks_by_stage.items():
        used = sorted(set(ranks))
        for index, rank in enumerate(used):
            tops[rank] = y + LANE_HEADER + index * (BOX_HEIGHT + RANK_GAP)
        height = (
            LANE_HEADER + len(used) * (BOX_HEIGHT + RANK_GAP) - RANK_GAP + LANE_PAD if used else EMPTY_LANE
        )
        lanes.append(Lane(stage, y, height))
        y += height + LANE_GAP
    return lanes, tops


def _ports(
    links: list[Link], boxes: dict[str, Box], centres: dict[Node, float], slots: dict[Link, dict[int, float]]
) -> dict[tuple[Link, str], float]:
    """Where each link leaves its upper box (bottom side) and reaches its lower one (top side). Links that meet
    a side share it out in the order of where they come from, so they do not cross there."""
    sides: dict[tuple[str, str], list[tuple[float, int, Link]]] = {}
    for order, link in enumerate(links):
        upper, lower, _down = link
        passed = slots.get(link, {})
        if isinstance(upper, str):
            towards = passed[min(passed)] if passed else centres[lower]
            sides.setdefault((upper, "bottom"), []).append((towards, order, link))
        if isinstance(lower, str):
            towards = passed[max(passed)] if passed else centres[upper]
            sides.setdefault((lower, "top"), []).append((towards, order, link))
    ports = {}
    for (key, side), attached in sides.items():
        box = boxes[key]
        room = box.width - 2 * PORT_INSET
        for place, (_towards, _order, link) in enumerate(sorted(attached)):
            ports[(link, side)] = round(box.x + PORT_INSET + room * (place + 0.5) / len(attached), 1)
    return ports


def _segments(
    chain: list[Link],
    down: bool,
    ports: dict[tuple[Link, str], float],
    centres: dict[Node, float],
    slots: dict[Link, dict[int, float]],
    tops: dict[int, float],
    ranks: dict[str, int],
) -> tuple[Segment, ...]:
    """An arrow's line, top down through its links, then turned round when the arrow goes up."""
    first = chain[0]
    points: list[Point] = [(ports[(first, "bottom")], tops[_rank(first[0], ranks)] + BOX_HEIGHT)]
    for link in chain:
        passed = slots.get(link, {})
        for rank in sorted(passed):
            points += [(passed[rank], tops[rank]), (passed[rank], tops[rank] + BOX_HEIGHT)]
        lower = link[1]
        if isinstance(lower, str):
            points.append((ports[(link, "top")], tops[ranks[lower]]))
        else:
            points += [(centres[lower], tops[lower[1]]), (centres[lower], tops[lower[1]] + BOX_HEIGHT)]
    segments = _curves(points)
    return tuple(segments if down else [(d, c, b, a) for a, b, c, d in reversed(segments)])


def _curves(points: list[Point]) -> list[Segment]:
    """Points come in pairs: from one rank's bottom to the next one's top, an S-curve, vertical at both ends
    (it stays between the ranks); through a rank, a straight line down a slot."""
    segments: list[Segment] = []
    for index in range(len(points) - 1):
        (x1, y1), (x2, y2) = points[index], points[index + 1]
        bend = (y2 - y1) / 2 if index % 2 == 0 else (y2 - y1) / 3
        segments.append(((x1, y1), (x1, y1 + bend), (x2, y2 - bend), (x2, y2)))
    return segments
