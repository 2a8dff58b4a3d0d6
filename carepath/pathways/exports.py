"""Pathway exports: the project's pathway JSON, or a FHIR R4B Bundle."""

from __future__ import annotations

from typing import Any

from .models import PathwayVersion
from .queries import graph_of


def export_document(version: PathwayVersion, fmt: str = "json") -> dict[str, Any]:
    if fmt == "fhir":
        from .fhir import bundle  # noqa: PLC0415 - fhir.resources takes half a second to load: only FHIR pays

        return bundle(version)
    return graph_of(version).to_dict()
