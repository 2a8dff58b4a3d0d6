"""Export a community's inventory as HSDS files."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import F, QuerySet

from carepath.directory.hsds import writer
from carepath.directory.hsds.spec import WRITE_ORDER, tables
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


# --- Streaming a whole inventory, in batches of services with their parts: memory stays the same for 100 or
# 100,000 services. Services come by organization, then by id.

EXPORT_BATCH = 500
# Tables whose records belong to one service: they come with their service's batch only.
OF_ONE_SERVICE = {"service", "service_at_location", "cost_option", "required_document", "service_capacity"}


def _batches(
    community: Community, language: str, published_only: bool
) -> Iterator[tuple[list[str], dict[str, list[Any]]]]:
    """The services in batches with their parts. An organization's services come together, so that its records
    (its locations, their addresses and phones) are read with one batch rather than with each. The ids come from
    one query read in chunks (a server-side cursor on PostgreSQL): no page is sorted twice."""
    services = community_services(community, published_only=published_only)
    ordered = services.order_by(F("organization_id").asc(nulls_first=True), "id").values_list("id", flat=True)
    batch: list[Any] = []
    for service_id in ordered.iterator(chunk_size=EXPORT_BATCH):
        batch.append(service_id)
        if len(batch) == EXPORT_BATCH:
            yield [str(i) for i in batch], hsds_tables(batch, language)
            batch = []
    if batch:
        yield [str(i) for i in batch], hsds_tables(batch, language)


def ndjson_chunks(
    *, community: Community, language: str = "en", version: str = "3.0", published_only: bool = True
) -> Iterator[bytes]:
    """One full HSDS service per line (NDJSON), a batch of services per chunk."""
    for ids, data in _batches(community, language, published_only):
        services = writer.nested_services(data, version=version, service_ids=ids)
        yield "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in services).encode("utf-8")


def json_chunks(
    *, community: Community, language: str = "en", version: str = "3.0", published_only: bool = True
) -> Iterator[bytes]:
    """A JSON list of full HSDS services, written a batch at a time."""
    separator = "\n"
    yield b"["
    for ids, data in _batches(community, language, published_only):
        parts = []
        for service in writer.nested_services(data, version=version, service_ids=ids):
            parts.append(separator + json.dumps(service, indent=2, ensure_ascii=False))
            separator = ",\n"
        yield "".join(parts).encode("utf-8")
    yield b"\n]\n"


class _Pipe(io.RawIOBase):
    """A stream that keeps what is written until it is taken: a zip written into it comes out in pieces."""

    def __init__(self) -> None:
        super().__init__()
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.pending += data
        return len(data)

    def take(self) -> bytes:
        data = bytes(self.pending)
        self.pending.clear()
        return data


class _Parts:
    """The CSV rows of every table but services, in temporary files until services.csv is written; a record
    several services share (their organization, a location, its phones) is written once."""

    def __init__(self, folder: str, spec: dict[str, Any]) -> None:
        self.folder, self.spec = Path(folder), spec
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.shared: set[tuple[str, str]] = set()  # ids of shared records only (organizations, locations...)

    def add(self, table: str, rows: list[dict[str, Any]], batch: set[str], elsewhere: set[str]) -> None:
        if table not in self.spec:
            return
        out = self._writer(table)
        fields = self.spec[table].fields
        for row in rows:
            service_id = row.get("service_id")
            link = (
                row.get("link_entity") or row.get("resource_type"),
                row.get("link_id") or row.get("resource_id"),
            )
            if not (
                table in OF_ONE_SERVICE or service_id in batch or (link[0] == "service" and link[1] in batch)
            ):
                if service_id in elsewhere:
                    continue  # written with its own service's batch
                if (table, row["id"]) in self.shared:
                    continue
                self.shared.add((table, row["id"]))
            out.writerow(writer.csv_cells(fields, row))

    def _writer(self, table: str) -> Any:
        if table not in self.writers:
            self.files[table] = (self.folder / f"{table}.csv").open("w+", encoding="utf-8", newline="")
            self.writers[table] = csv.writer(self.files[table], lineterminator="\n")
            self.writers[table].writerow(self.spec[table].fields)
        return self.writers[table]

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def zip_chunks(
    *, community: Community, language: str = "en", version: str = "3.0", published_only: bool = True
) -> Iterator[bytes]:
    """The CSV data package as a zip, written as it goes: services.csv first, from each batch, then the other
    tables (kept meanwhile in temporary files), then datapackage.json."""
    spec = tables(version)
    pipe = _Pipe()
    with (
        tempfile.TemporaryDirectory(prefix="carepath-export-") as folder,
        zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        parts = _Parts(folder, spec)
        try:
            with io.TextIOWrapper(
                archive.open(spec["service"].path, "w", force_zip64=True), encoding="utf-8", newline=""
            ) as text:
                services = csv.writer(text, lineterminator="\n")
                services.writerow(spec["service"].fields)
                for ids, data in _batches(community, language, published_only):
                    for row in data.get("service", []):
                        services.writerow(writer.csv_cells(spec["service"].fields, row))
                    batch = set(ids)
                    elsewhere = _exported_elsewhere(community, data, batch, published_only)
                    for table, rows in data.items():
                        if table != "service":
                            parts.add(table, rows, batch, elsewhere)
                    text.flush()
                    yield pipe.take()
            written = ["service"]
            for table in WRITE_ORDER:
                handle = parts.files.get(table)
                if handle is None:
                    continue
                written.append(table)
                handle.seek(0)
                with archive.open(spec[table].path, "w", force_zip64=True) as member:
                    while chunk := handle.read(64 * 1024):
                        member.write(chunk.encode("utf-8"))
                        yield pipe.take()
        finally:
            parts.close()
        descriptor = writer.datapackage([t for t in WRITE_ORDER if t in written], version)
        archive.writestr("datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    yield pipe.take()


def _exported_elsewhere(
    community: Community, data: dict[str, list[Any]], batch: set[str], published_only: bool
) -> set[str]:
    """Services of the export outside this batch that the batch's records name (a phone of a shared location
    that belongs to another service): those records go with their own service."""
    named = {
        str(row["service_id"])
        for rows in data.values()
        for row in rows
        if row.get("service_id") and str(row["service_id"]) not in batch
    }
    if not named:
        return set()
    exported = community_services(community, published_only=published_only).filter(id__in=named)
    return {str(i) for i in exported.values_list("id", flat=True)}
