"""Distances and areas on the map, in plain Python (no GIS packages needed)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import safejson

EARTH_KM = 6371.0088
Ring = Sequence[Sequence[float]]  # GeoJSON positions: longitude, latitude


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


@dataclass(frozen=True)
class Area:
    """A GeoJSON Polygon or MultiPolygon, with its bounding box for a quick first test."""

    polygons: tuple[tuple[Ring, ...], ...]
    box: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

    def contains(self, lat: float, lon: float) -> bool:
        west, south, east, north = self.box
        if not (west <= lon <= east and south <= lat <= north):
            return False
        for rings in self.polygons:
            if (
                rings
                and _in_ring(lon, lat, rings[0])
                and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
            ):
                return True
        return False


def parse_area(extent: str | None, extent_type: str | None) -> Area | None:
    """The area of an HSDS service area, or None when it is not usable GeoJSON (a placeholder, say)."""
    if not extent or (extent_type or "").lower() != "geojson":
        return None
    try:
        shape = safejson.loads(extent)
        kind = shape["type"]
        polygons = (
            [shape["coordinates"]]
            if kind == "Polygon"
            else shape["coordinates"]
            if kind == "MultiPolygon"
            else []
        )
        rings = tuple(
            tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon) for polygon in polygons
        )
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    points = [p for polygon in rings for ring in polygon for p in ring]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return Area(rings, (min(lons), min(lats), max(lons), max(lats)))
