"""The match request's serializers copy their declared fields shallowly (``serializers.Declared``): what they
accept, what they make of it and every error they name must be what REST framework's deep copies give, request
after request, good and bad interleaved (a field keeping state from one request would show in the next)."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers as drf

from carepath.navigator import serializers
from carepath.navigator.serializers import MatchRequestSerializer, flatten
from tests.navigator.test_api import REQUEST


def changed(path: tuple[str, ...], value: object) -> dict:
    body = copy.deepcopy(REQUEST)
    where = body
    for key in path[:-1]:
        where = where[key]
    if value is ...:
        del where[path[-1]]
    else:
        where[path[-1]] = value
    return body


BODIES = [
    REQUEST,
    changed(("child", "concerns"), ["sleep", "not-a-concern"]),
    changed(("child", "age_months"), 84),
    REQUEST,
    changed(("child", "screening"), [{"tool": "asq-se-2", "result": "nope"}]),
    changed(("child", "screening"), [{"tool": "asq-se-2", "result": "above-cutoff"}] * 2),
    changed(("family", "languages"), []),
    changed(("family", "languages"), ["english"]),
    changed(("family", "location"), {"lat": 91, "lon": "x"}),
    changed(("family", "max_travel_km"), "inf"),
    changed(("family", "delivery"), ["virtual", "by-pigeon"]),
    changed(("situation", "urgency"), "soon"),
    changed(("situation",), ...),
    changed(("family",), ...),
    changed(("language",), "de"),
    changed(("child", "screening"), ...),
    changed(("community",), "a" * 5000),
    REQUEST,
]


def outcome(body: dict) -> object:
    serializer = MatchRequestSerializer(data=body)
    if serializer.is_valid():
        return serializer.to_request()
    return flatten(serializer.errors)


def test_shallow_copies_validate_as_deep_copies_do(monkeypatch):
    shallow = [outcome(body) for body in BODIES * 2]
    monkeypatch.setattr(serializers.Declared, "get_fields", drf.Serializer.get_fields)
    deep = [outcome(body) for body in BODIES * 2]
    assert shallow == deep
    valid = [index for index, found in enumerate(shallow[: len(BODIES)]) if not isinstance(found, dict)]
    assert valid == [0, 3, 11, 12, 15, 17]  # REQUEST, "soon", no situation, no screening
    assert shallow[5] == {"child.screening": ["Give each screening tool once, with its latest result."]}
    assert shallow[16] == {"community": ["Ensure this field has no more than 60 characters."]}
    assert shallow[8] == {
        "family.location.lat": ["Ensure this value is less than or equal to 90."],
        "family.location.lon": ["A valid number is required."],
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(range(len(BODIES))), min_size=2, max_size=8))
def test_any_order_of_requests_validates_each_as_alone(order):
    alone = {index: outcome(BODIES[index]) for index in set(order)}
    assert [outcome(BODIES[index]) for index in order] == [alone[index] for index in order]
