"""Write HSDS 3 from flat tables of records: nested JSON services or a tabular data package.

Input: ``{table name: [record, ...]}`` with HSDS field names and plain values (str, int, float, bool, None).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .spec import BACK_REFERENCE, ONE_TO_ONE, SCHEMA_DIR, WRITE_ORDER, Table, tables

Record = dict[str, Any]
Tables = Mapping[str, Iterable[Record]]


def plain(value: Any) -> Any:
    """Numbers that are whole are written as integers (HSDS ages, years, counts)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Index:
    """Records by id, and children by (table, back-reference field, parent id), built once."""

    def __init__(self, data: Tables) -> None:
        self.by_id: dict[str, dict[str, Record]] = {
            name: {r["id"]: r for r in rows} for name, rows in data.items()
        }
        self.children: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
        spec = tables("3.1")
        for name, rows in self.by_id.items():
            link_fields = [f for f in spec[name].fields if f.endswith("_id") and f != "id"]
            for record in rows.values():
                for fld in link_fields:
                    parent = record.get(fld)
                    if parent:
                        self.children[(name, fld, parent)].append(record)

    def kids(self, table: str, fld: str, parent_id: str) -> list[Record]:
        return self.children.get((table, fld, parent_id), [])


def nested_services(
    data: Tables, *, version: str = "3.0", service_ids: Iterable[str] | None = None
) -> list[Record]:
    """Full HSDS service objects, as ``GET /services/{id}`` returns them, in the given order."""
    index = _Index(data)
    spec = tables(version)
    ids = list(service_ids) if service_ids is not None else list(index.by_id.get("service", {}))
    return [_nest(index, spec, "service", index.by_id["service"][sid], ()) for sid in ids]


def nest(data: Tables, table: str, record_id: str, *, version: str = "3.0") -> Record:
    index = _Index(data)
    return _nest(index, tables(version), table, index.by_id[table][record_id], ())


def _nest(
    index: _Index, spec: dict[str, Table], table_name: str, record: Record, path: tuple[str, ...]
) -> Record:
    table = spec[table_name]
    implied = BACK_REFERENCE.get(path[-1]) if path else None  # the link to the parent it is nested in
    out: Record = {
        name: plain(record[name]) for name in table.fields if record.get(name) is not None and name != implied
    }
    record_id = record["id"]
    for key, nested in table.nested.items():
        if nested.table not in spec or nested.table in path:
            continue  # a table of another version, or a loop back to an ancestor
        child_path = (*path, table_name)
        if not nested.many:
            link = ONE_TO_ONE.get((table_name, key))
            target = index.by_id.get(nested.table, {}).get(record.get(link or "") or "")
            if target is not None:
                out[key] = _nest(index, spec, nested.table, target, child_path)
            continue
        if nested.table == "attribute":
            kids = [
                k
                for k in index.kids("attribute", "link_id", record_id)
                if k.get("link_entity") in (None, table_name) or k.get("link_entity") not in spec
            ]
        elif nested.table == "metadata":
            kids = index.kids("metadata", "resource_id", record_id)
        else:
            back = BACK_REFERENCE.get(table_name)
            kids = index.kids(nested.table, back, record_id) if back else []
        out[key] = [_nest(index, spec, nested.table, kid, child_path) for kid in kids]
    return out


def csv_files(data: Tables, *, version: str = "3.0") -> dict[str, str]:
    """File name -> CSV text for every table with records, plus ``datapackage.json``."""
    spec = tables(version)
    files: dict[str, str] = {}
    written: list[str] = []
    for name in WRITE_ORDER:
        rows = list(data.get(name, ()))
        if name not in spec or not rows:
            continue
        table = spec[name]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.fields)
        for row in rows:
            writer.writerow(csv_cells(table.fields, row))
        files[table.path] = buffer.getvalue()
        written.append(name)
    files["datapackage.json"] = json.dumps(datapackage(written, version), indent=2, ensure_ascii=False) + "\n"
    return files


def csv_cells(fields: Iterable[str], row: Record) -> list[str]:
    """A record as a row of its table's CSV file."""
    return [_cell(row.get(f)) for f in fields]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(plain(value))


def datapackage(table_names: Iterable[str], version: str = "3.0") -> dict[str, Any]:
    """The official HSDS descriptor, with only the resources that were written."""
    descriptor: dict[str, Any] = json.loads(
        (SCHEMA_DIR / f"datapackage-{version}.json").read_text(encoding="utf-8")
    )
    keep = set(table_names)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in keep]
    return descriptor


def write_csv_package(data: Tables, out: Path, *, version: str = "3.0") -> list[str]:
    """Write a data package to a folder, or to a zip when ``out`` ends in .zip. Returns the file names."""
    files = csv_files(data, version=version)
    if out.suffix.lower() == ".zip":
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
    else:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (out / name).write_text(content, encoding="utf-8")
    return list(files)
