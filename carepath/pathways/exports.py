"""Pathway exports: the project's pathway JSON, or a FHIR R4B Bundle; as a document, or as the file people
download and ``carepath export-pathway`` writes."""

from __future__ import annotations

import json
from typing import Any

from .models import PathwayVersion
from .queries import graph_of

# What a file of each format is: its media type and the end of its name.
FILES = {
    "json": ("application/json", "json"),
    "fhir": ("application/fhir+json; fhirVersion=4.3", "fhir.json"),  # R4B is FHIR 4.3
}


def export_document(version: PathwayVersion, fmt: str = "json") -> dict[str, Any]:
    if fmt == "fhir":
        from .fhir import bundle  # noqa: PLC0415 - fhir.resources takes half a second to load: only FHIR pays

        return bundle(version)
    return graph_of(version).to_dict()


def export_text(version: PathwayVersion, fmt: str = "json") -> str:
    """The version as the text of a file: indented JSON in UTF-8, French as it is written."""
    return json.dumps(export_document(version, fmt), indent=2, ensure_ascii=False) + "\n"


def filename(version: PathwayVersion, fmt: str = "json") -> str:
    """The file's name, e.g. ``north-shore-pathway-v3.fhir.json`` (a community's slug is letters, digits and
    hyphens, so the name needs no quoting)."""
    return f"{version.pathway.community.slug}-pathway-v{version.number}.{FILES[fmt][1]}"
