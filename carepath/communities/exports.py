"""Export a community's inventory as HSDS files."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from carepath.directory.hsds import writer
from carepath.directory.models import Service
from carepath.directory.queries import hsds_tables

from .models import Community


def community_services(community: Community, *, published_only: bool = True) -> QuerySet[Service]:
    entries = community.entries.all()
    if published_only:
        entries = entries.published()
    return Service.objects.filter(id__in=entries.values("service_id"))


def _data(
    community: Community, language: str, published_only: bool
) -> tuple[dict[str, list[Any]], list[str]]:
    service_ids = community_services(community, published_only=published_only).values_list("id", flat=True)
    data = hsds_tables(service_ids, language)
    ordered = sorted(data.get("service", []), key=lambda s: ((s.get("name") or "").lower(), s["id"]))
    return data, [s["id"] for s in ordered]


def export_bytes(
    *,
    community: Community,
    fmt: str = "json",
    language: str = "en",
    version: str = "3.0",
    published_only: bool = True,
) -> bytes:
    """The export as one file: JSON (a list of full services) or a zipped CSV data package."""
    data, ids = _data(community, language, published_only)
    if fmt == "json":
        document = writer.nested_services(data, version=version, service_ids=ids)
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in writer.csv_files(data, version=version).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def export_community(
    *,
    community: Community,
    out: Path,
    fmt: str = "json",
    language: str = "en",
    version: str = "3.0",
    published_only: bool = True,
) -> int:
    """Write the export to ``out`` (a .json file; a folder or .zip for CSV); returns the number of services."""
    if fmt == "csv" and out.suffix.lower() != ".zip":
        data, ids = _data(community, language, published_only)
        writer.write_csv_package(data, out, version=version)
        return len(ids)
    content = export_bytes(
        community=community,
        fmt="json" if fmt == "json" else "zip",
        language=language,
        version=version,
        published_only=published_only,
    )
    _write_atomically(out, content)
    return community_services(community, published_only=published_only).count()


def _write_atomically(out: Path, content: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(content)
    os.replace(temporary, out)
