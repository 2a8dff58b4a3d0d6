"""Read HSDS 3 files into flat tables of records, collecting every problem instead of stopping at the first.

Accepted: a JSON file holding one full service, a list of services or a paginated ``service_list`` page;
a tabular data package (a folder or a .zip) whose ``datapackage.json`` names the CSV files.
Nested JSON is flattened into the HSDS tables, each child pointing back at its parent as in the tabular
form, so the rest of the pipeline sees one shape.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepath import safejson

from . import tabular
from .problems import ERROR, WARNING, Problem, describe
from .spec import BACK_REFERENCE, ONE_TO_ONE, Table, tables
from .tabular import Limits

Record = dict[str, Any]
Progress = Callable[[int], None]
# Takes the rows of one CSV file of a package: its table, its path and its (row number, record) pairs.
Consumer = Callable[[Table, str, Iterator[tuple[int, Record]]], None]
__all__ = ["Dataset", "Limits", "Problem", "read", "read_json_bytes"]

_LIMITS = Limits()  # frozen: one shared default is safe
MAX_PROBLEMS = 500  # of each severity kept for people to read; the rest are counted (``Dataset.left_out``)

# Keys nested records may carry that are not HSDS fields but are harmless to drop silently.
_IGNORED_KEYS = frozenset({"$schema"})


@dataclass
class Dataset:
    """The records of one file, table by table, keyed by id, with where each came from."""

    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    # Where each record came from, kept small for large files: table -> id -> JSON path or CSV row number,
    # and the file of each table.
    sources: dict[str, dict[str, str | int]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    file: str = ""
    # Columns a CSV file gives for every row of a table: an empty cell clears the field.
    given: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Problems past MAX_PROBLEMS of a severity are counted, not kept: a file of a million bad rows gives a
    # readable list and bounded memory. severity -> how many were left out.
    left_out: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict, repr=False)  # severity -> problems kept
    top_ids: list[str] = field(default_factory=list)  # the services named at the top of the file
    # A package's large tables, checked row by row and kept on disk until written (``stream.Spool``).
    spool: Any = field(default=None, repr=False)
    # The row being checked, when its table keeps no sources (``stream``): table, id and row number.
    current: tuple[str, str, int] | None = field(default=None, repr=False)

    def table(self, name: str) -> dict[str, Record]:
        return self.records.setdefault(name, {})

    def count(self) -> int:
        return sum(len(rows) for rows in self.records.values()) + (self.spool.count() if self.spool else 0)

    def close(self) -> None:
        """Remove what the dataset keeps on disk."""
        if self.spool is not None:
            self.spool.close()

    def source(self, table: str, record_id: str) -> tuple[str, str]:
        where = self.sources.get(table, {}).get(record_id)
        if where is None and self.current is not None and self.current[:2] == (table, record_id):
            where = self.current[2]
        if where is None:
            return ("", "")
        return (self.files.get(table, self.file), f"row {where}" if isinstance(where, int) else where)

    def remember(self, table: str, record_id: str, file: str, where: str | int) -> None:
        self.sources.setdefault(table, {})[record_id] = where
        if file != self.file:
            self.files[table] = file

    def problem(
        self,
        code: str,
        *,
        table: str = "",
        record_id: str = "",
        fld: str = "",
        severity: str = ERROR,
        file: str | None = None,
        where: str | None = None,
        **params: object,
    ) -> None:
        kept = self.kept.get(severity, 0)
        if kept >= MAX_PROBLEMS:
            self.left_out[severity] = self.left_out.get(severity, 0) + 1
            return
        self.kept[severity] = kept + 1
        src_file, src_where = self.source(table, record_id) if record_id else ("", "")
        self.problems.append(
            Problem(
                code,
                severity,
                file if file is not None else src_file,
                where if where is not None else src_where,
                table,
                record_id,
                fld,
                params,
            )
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def read(
    path: Path,
    *,
    display_name: str | None = None,
    progress: Progress | None = None,
    limits: Limits = _LIMITS,
) -> Dataset:
    """Read a JSON file, a .zip data package or a data package folder, within ``limits``."""
    name = display_name or path.name
    data = Dataset()
    if not path.exists():
        data.problem("file_missing", file=name, where="")
        return data
    if path.is_dir():
        folder = tabular.FolderPackage(path)
        if tabular.within_limits(folder, data, limits):
            read_package(folder, data, progress, limits)
    elif zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                package = tabular.ZipPackage(archive)
                if tabular.within_limits(package, data, limits):
                    read_package(package, data, progress, limits)
        except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
            data.problem("file_unreadable", file=name, where="", reason=str(exc))
    elif path.suffix.lower() in (".json", ".geojson") or _looks_like_json(path):
        if path.stat().st_size > limits.max_bytes:
            data.problem("file_too_large", file=name, where="", limit=limits.max_bytes)
        else:
            read_json_bytes(path.read_bytes(), name, data, progress, max_depth=limits.max_depth)
    else:
        data.problem("file_type", file=name, where="")
    if not data.problems and not data.count():
        data.problem("no_records", file=name, where="")
    return data


def _looks_like_json(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64).lstrip()
    return head[:1] in (b"{", b"[")


# --- JSON -----------------------------------------------------------------------------------------------


def read_json_bytes(
    raw: bytes,
    name: str,
    data: Dataset | None = None,
    progress: Progress | None = None,
    *,
    max_depth: int = safejson.DEFAULT_MAX_DEPTH,
) -> Dataset:
    data = data if data is not None else Dataset()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        data.problem("file_not_utf8", file=name, where="")
        return data
    try:
        document = safejson.loads(text, max_depth=max_depth)
    except json.JSONDecodeError as exc:
        data.problem("json_syntax", file=name, where="", line=exc.lineno, column=exc.colno, reason=exc.msg)
        return data
    except safejson.TooDeepError:
        data.problem("json_too_deep", file=name, where="", limit=max_depth)
        return data
    except safejson.TooLongError:
        data.problem("json_number", file=name, where="")
        return data
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        services, prefix = document["contents"], "contents"
    elif isinstance(document, list):
        services, prefix = document, ""
    elif isinstance(document, dict) and "id" in document:
        services, prefix = [document], None
    else:
        data.problem("json_shape", file=name, where="")
        return data
    data.file = name
    flattener = _Flattener(data, name)
    for index, item in enumerate(services):
        where = "service" if prefix is None else f"{prefix}[{index}]" if prefix else f"[{index}]"
        record_id = flattener.take("service", item, where, None, None)
        if record_id:
            data.top_ids.append(record_id)
        if progress:
            progress(1)
    return data


class _Flattener:
    def __init__(self, data: Dataset, file: str) -> None:
        self.data = data
        self.file = file
        self.spec = tables("3.1")

    def take(
        self, table_name: str, item: object, where: str, parent: str | None, parent_id: str | None
    ) -> str | None:
        table = self.spec[table_name]
        if not isinstance(item, dict):
            self.data.problem(
                "not_object", file=self.file, where=where, table=table_name, found=describe(item)
            )
            return None
        record: Record = {}
        for key, value in item.items():
            if key in table.fields:
                record[key] = value
            elif key not in table.nested and key not in _IGNORED_KEYS:
                self.data.problem(
                    "unknown_field", severity=WARNING, file=self.file, where=where, table=table_name, fld=key
                )
        record_id = record.get("id")
        if not isinstance(record_id, str) or not record_id:
            self.data.problem("required", file=self.file, where=where, table=table_name, fld="id")
            record_id = None
        elif parent is not None and parent_id is not None:
            self._link_to_parent(table_name, record, record_id, where, parent, parent_id)
        if record_id:
            _merge(self.data, table, record_id, record, self.file, where)
        for key, nested in table.nested.items():
            if key not in item or item[key] is None:
                continue
            value = item[key]
            child_where = f"{where}.{key}"
            if nested.many:
                if not isinstance(value, list):
                    self.data.problem(
                        "not_list", file=self.file, where=child_where, table=table_name, found=describe(value)
                    )
                    continue
                for index, child in enumerate(value):
                    self.take(nested.table, child, f"{child_where}[{index}]", table_name, record_id)
            else:
                child_id = self.take(nested.table, value, child_where, None, None)
                link = ONE_TO_ONE.get((table_name, key))
                if child_id and record_id and link:
                    own = self.data.table(table_name)[record_id]
                    if own.get(link) in (None, ""):
                        own[link] = child_id
        return record_id

    def _link_to_parent(
        self, table: str, record: Record, record_id: str, where: str, parent: str, parent_id: str
    ) -> None:
        # Attributes and metadata nested in a record belong to it: their table is the one they are nested in
        # (the official examples nest a service's metadata with a resource_type of "location").
        if table in ("attribute", "metadata"):
            id_field, entity_field = (
                ("link_id", "link_entity") if table == "attribute" else ("resource_id", "resource_type")
            )
            record.setdefault(id_field, parent_id)
            if record[id_field] == parent_id:
                record[entity_field] = parent
            return
        back = BACK_REFERENCE.get(parent)
        if back and back in self.spec[table].fields:
            given = record.get(back)
            if given in (None, ""):
                record[back] = parent_id
            elif given != parent_id:
                self.data.problem(
                    "nested_mismatch",
                    file=self.file,
                    where=where,
                    table=table,
                    record_id=record_id,
                    fld=back,
                    value=given,
                    parent=parent,
                    parent_id=parent_id,
                )


def _merge(data: Dataset, table: Table, record_id: str, record: Record, file: str, where: str) -> None:
    """Add a record; the same record met again (HSDS repeats shared objects) must agree with itself."""
    rows = data.table(table.name)
    existing = rows.get(record_id)
    if existing is None:
        rows[record_id] = record
        data.remember(table.name, record_id, file, where)
        return
    for key, value in record.items():
        if value in (None, ""):
            continue
        old = existing.get(key)
        if old in (None, ""):
            existing[key] = value
        elif old != value:
            data.problem(
                "duplicate_conflict",
                file=file,
                where=where,
                table=table.name,
                record_id=record_id,
                fld=key,
                id=record_id,
            )


# --- Tabular data packages ------------------------------------------------------------------------------


def read_package(
    package: tabular.Package,
    data: Dataset,
    progress: Progress | None,
    limits: Limits,
    consume: Consumer | None = None,
    order: Callable[[Table], int] | None = None,
) -> None:
    """Read each CSV file the package names, giving its rows to ``consume`` (by default: held in ``data``), the
    files in the package's order or sorted by ``order``."""
    spec = tables("3.1")
    found = _package_tables(package, data, spec)
    for table, path in sorted(found, key=lambda item: order(item[0])) if order else found:
        try:
            if tabular.has_nul(package, path):
                data.problem("nul_character", file=path, where="", table=table.name, fld="")
                continue
            with package.open_text(path) as handle:
                rows = csv_records(table, path, handle, data, limits, progress, share=consume is None)
                (consume or hold(data))(table, path, rows)
        except tabular.FieldTooLargeError as exc:
            data.problem(
                "csv_field_too_large", file=path, where=f"row {exc.row}", limit=limits.max_field_bytes
            )
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            data.problem("csv_broken", file=path, where="", reason=str(exc))


def _package_tables(
    package: tabular.Package, data: Dataset, spec: dict[str, Table]
) -> list[tuple[Table, str]]:
    resources = tabular.resources(package, data)
    if resources is None:
        # No usable descriptor: match the CSV files by their standard HSDS names, as the data package of the
        # official examples needs (its datapackage.json is a link to the specification's descriptor).
        resources = [{"name": t.name, "path": t.path} for t in spec.values() if package.exists(t.path)]
        known = {t.path for t in spec.values()}
        for member, _size, _stored in package.sizes():
            if member.lower().endswith(".csv") and member not in known:
                data.problem("file_unknown", severity=WARNING, file=member, where="")
        if not resources:
            data.problem("datapackage_missing", file=package.name, where="")
            return []
    by_path = {table.path: table for table in spec.values()}
    found = []
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            data.problem(
                "not_object", file="datapackage.json", where=f"resources[{index}]", found=describe(resource)
            )
            continue
        path = resource.get("path")
        name = resource.get("name")
        table = spec.get(str(name)) or by_path.get(str(path))
        if table is None:
            data.problem(
                "resource_unknown",
                severity=WARNING,
                file="datapackage.json",
                where=f"resources[{index}]",
                name=str(name or path),
            )
        elif not isinstance(path, str) or not tabular.safe_relative(path) or not package.exists(path):
            data.problem(
                "resource_path", file="datapackage.json", where=f"resources[{index}]", path=str(path)
            )
        else:
            found.append((table, path))
    return found


def hold(data: Dataset) -> Consumer:
    """A consumer that holds the rows in ``data`` (a record given again is merged into the first)."""

    def hold(table: Table, file: str, records: Iterator[tuple[int, Record]]) -> None:
        rows = data.table(table.name)
        sources = data.sources.setdefault(table.name, {})
        for number, record in records:
            record_id = record["id"]
            if record_id in rows:
                _merge(data, table, record_id, record, file, f"row {number}")
            else:
                rows[record_id] = record
                sources[record_id] = number
            if table.name == "service":
                data.top_ids.append(record_id)

    return hold


def csv_records(
    table: Table,
    file: str,
    handle: io.TextIOBase,
    data: Dataset,
    limits: Limits,
    progress: Progress | None = None,
    *,
    share: bool = True,
) -> Iterator[tuple[int, Record]]:
    """The rows of one CSV file as records (empty cells left out), with their row numbers; ``share``: values
    that repeat from row to row (references, codes) share one string, for records held together."""
    reader = tabular.csv_rows(handle, limits)
    header = next(reader, None)
    if header is None:
        return
    if len(header) > limits.max_columns:
        data.problem("csv_columns", file=file, where="row 1", count=len(header), limit=limits.max_columns)
        return
    header = [column.strip() for column in header]
    if "id" not in header:
        data.problem("csv_no_id", file=file, where="row 1", table=table.name)
        return
    for column in header:
        if column not in table.fields:
            data.problem(
                "unknown_field", severity=WARNING, file=file, where="row 1", table=table.name, fld=column
            )
    columns = [(i, column) for i, column in enumerate(header) if column in table.fields]
    data.given.setdefault(table.name, set()).update(column for _, column in columns)
    data.files[table.name] = file
    intern = sys.intern
    shared = {
        column for _, column in columns if column in tabular.SHARED_VALUES or column in table.references
    }
    plain = None if share or len(columns) != len(header) else header  # every column is the table's
    for number, values in enumerate(reader, start=2):
        if len(values) > limits.max_columns:
            data.problem(
                "csv_columns", file=file, where=f"row {number}", count=len(values), limit=limits.max_columns
            )
            return
        if not any(values):
            continue
        # Empty cells are left out (the table's ``given`` columns say they clear the field); values that
        # repeat across rows (references, codes) share one string.
        if plain is not None and len(values) == len(plain):
            record = {column: value for column, value in zip(plain, values, strict=True) if value}
        else:
            record = {
                column: intern(values[i]) if share and column in shared else values[i]
                for i, column in columns
                if i < len(values) and values[i] != ""
            }
        if not record.get("id"):
            data.problem("required", file=file, where=f"row {number}", table=table.name, fld="id")
            continue
        if progress:
            progress(1)
        yield number, record
