"""The navigator's read of services as columns holds the same facts as the read of them as rows."""

from __future__ import annotations

import json

import pytest

from carepath.directory.columns import service_columns
from carepath.directory.models import Service
from carepath.directory.queries import service_facts
from tests.factories import service, uid

POPULATIONS = [("population/inuit", "only"), ("population/first-nations", "focus")]


def area(key, shift):
    """A square service area a little east of Maple Bay."""
    west = -79.5 + shift
    ring = [[west, 46.2], [west + 0.5, 46.2], [west + 0.5, 46.6], [west, 46.6], [west, 46.2]]
    extent = {"type": "Polygon", "coordinates": [ring]}
    return {"id": uid(f"area:{key}"), "name": key, "extent": json.dumps(extent), "extent_type": "geojson"}


def same_order(facts):
    """Facts by id, each one's places and areas in one order (either read may give them in any)."""
    return sorted(
        (
            f.__class__(
                **{
                    **{name: getattr(f, name) for name in f.__slots__},
                    "locations": tuple(sorted(f.locations)),
                    "areas": tuple(sorted(f.areas, key=lambda area: (area.box, area.polygons))),
                }
            )
            for f in facts
        ),
        key=lambda f: f.id,
    )


def read_both(services):
    columns = service_columns(services)
    return same_order(columns.facts(i) for i in range(len(columns))), same_order(service_facts(services))


def test_the_demo_community_reads_the_same_as_columns_and_as_rows(demo):
    columns, rows = read_both(Service.objects.filter(status="active"))
    assert len(columns) == len(rows) > 50
    assert columns == rows


@pytest.mark.parametrize(
    "ids",
    [
        # The first halves of the ids are alike: the services are told apart by the second halves.
        ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"],
        # Neither half tells them apart: they are told apart by their place in the list.
        [
            "00000000-0000-4000-8000-000000000001",
            "00000000-0000-4000-8000-000000000002",
            "00000000-0000-4001-8000-000000000001",
        ],
    ],
)
def test_services_whose_ids_look_alike_are_each_read_with_their_own_facts(community, import_file, ids):
    """...and a service with several populations and areas keeps them all, one with one keeps it."""
    import_file(
        [
            service(
                f"alike-{n}",
                id=key,
                terms=[
                    ("delivery/phone" if n % 2 else "delivery/in-person", None),
                    ("wait-days", str(n + 3)),
                    *POPULATIONS[: 2 - n],
                ],
                languages=("en", "fr") if n else ("oj",),
                service_areas=[area(f"alike-{n}-{k}", k) for k in range(2 - n)],
            )
            for n, key in enumerate(ids)
        ]
    )
    columns, rows = read_both(Service.objects.filter(pk__in=ids))
    assert [f.id for f in columns] == sorted(ids)
    assert columns == rows
    assert {f.id: f.wait_days for f in columns} == {key: n + 3 for n, key in enumerate(ids)}
    assert [(len(f.populations), len(f.areas)) for f in columns][:2] == [(2, 2), (1, 1)]
