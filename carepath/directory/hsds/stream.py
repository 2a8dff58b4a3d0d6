"""Check a whole tabular data package without holding its rows: the importer's reader for large directories.

A package of 100,000 services holds well over a million rows. Held as records (``reader.read``), they take
gigabytes; here each CSV row is checked as it is read (``validate.check_record``), then spooled, checked and
converted, to a temporary file of marshalled chunks, which the writer reads back (``Spool.chunks``). Only what
checks between rows need is kept in memory: the ids of each table (as 128-bit integers) and the references
that the rows read so far could not settle. Files are read in write order, so most references meet their
target already read. The carepath taxonomy's tables are held as before (``validate.map_terms`` needs them).

Problems are the same as ``validate.validate`` gives for the same file, each with its file and row.
"""

from __future__ import annotations

import marshal
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from ..vocabulary import TAXONOMY_ID
from . import reader, tabular, validate
from .problems import WARNING
from .reader import Dataset, Record
from .spec import REFERENCES, WRITE_ORDER, Table, tables

CHUNK = 5000  # rows per marshalled chunk
HELD = ("taxonomy", "taxonomy_term")  # small tables the vocabulary check needs whole
_RANK = {name: index for index, name in enumerate(WRITE_ORDER)}
Existing = Callable[[str, set[str]], set[str]]
_LIMITS = reader.Limits()  # frozen: one shared default is safe


# Tables other records link to: their ids are kept as given (canonical text), so links are looked up as they
# are; other tables' ids only find rows given twice, and are kept as integers (half the memory).
LINKED = frozenset({target for links in REFERENCES.values() for target in links.values()} | {"service"})


def key(value: Any) -> Any:
    """A compact key for an id: a UUID as its 128-bit integer, anything else as it is."""
    if type(value) is str and len(value) == 36:
        try:
            return int(value.replace("-", ""), 16)
        except ValueError:
            return value
    return value


class Spool:
    """The checked rows of each streamed table, on disk in marshalled chunks of ``(row number, record)``."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="carepath-import-")
        self.counts: dict[str, int] = {}
        self.files: dict[str, list[Path]] = {}
        self.merged: dict[str, dict[Any, Record]] = {}  # table -> key -> a record given on several rows

    def writer(self, table: str) -> IO[bytes]:
        path = Path(self.folder.name) / f"{table}.{len(self.files.get(table, []))}.marshal"
        self.files.setdefault(table, []).append(path)
        return path.open("wb")

    def count(self) -> int:
        return sum(self.counts.values())

    def tables(self) -> list[str]:
        return [name for name in self.files if self.counts.get(name)]

    def rows(self, table: str) -> Iterator[list[tuple[int, Record]]]:
        """The chunks as spooled, every row of the file."""
        for path in self.files.get(table, []):
            with path.open("rb") as handle:
                while size := int.from_bytes(handle.read(8), "little"):
                    yield marshal.loads(handle.read(size))  # noqa: S302 - a file this process wrote

    def chunks(self, table: str) -> Iterator[list[tuple[int, Record]]]:
        """The chunks to write: a record given on several rows once, merged, at its first row."""
        merged = self.merged.get(table)
        written: set[Any] = set()
        for chunk in self.rows(table):
            if merged:
                chunk = _once(chunk, merged, written)
            yield chunk

    def close(self) -> None:
        self.folder.cleanup()


def _dump(chunk: list[tuple[int, Record]], out: IO[bytes]) -> None:
    """One chunk, its size first (``marshal.load`` from a file reads it in small pieces, ``loads`` at once)."""
    raw = marshal.dumps(chunk)
    out.write(len(raw).to_bytes(8, "little"))
    out.write(raw)


def _once(
    chunk: list[tuple[int, Record]], merged: dict[Any, Record], written: set[Any]
) -> list[tuple[int, Record]]:
    kept = []
    for number, record in chunk:
        k = record["id"]
        k = k if k in merged else key(k)
        if k in merged:
            if k in written:
                continue
            written.add(k)
            record = merged[k]
        kept.append((number, record))
    return kept


def check_package(
    path: Path,
    *,
    display_name: str | None = None,
    progress: reader.Progress | None = None,
    limits: reader.Limits = _LIMITS,
    vocabulary: Any = None,
    existing: Existing | None = None,
) -> Dataset:
    """Read and check a data package (a folder or a .zip); its large tables go to ``data.spool``, which the
    caller closes (``Dataset.close``)."""
    name = display_name or path.name
    data = Dataset(spool=Spool())
    try:
        if path.is_dir():
            _check(tabular.FolderPackage(path), data, progress, limits, vocabulary, existing)
        else:
            with zipfile.ZipFile(path) as archive:
                _check(tabular.ZipPackage(archive), data, progress, limits, vocabulary, existing)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        data.problem("file_unreadable", file=name, where="", reason=str(exc))
    if not data.problems and not data.count():
        data.problem("no_records", file=name, where="")
    return data


def is_package(path: Path) -> bool:
    return path.is_dir() or (path.is_file() and zipfile.is_zipfile(path))


def _check(
    package: tabular.Package,
    data: Dataset,
    progress: reader.Progress | None,
    limits: reader.Limits,
    vocabulary: Any,
    existing: Existing | None,
) -> None:
    if not tabular.within_limits(package, data, limits):
        return
    checker = _Checker(data, vocabulary)
    reader.read_package(
        package, data, progress, limits, consume=checker.take, order=lambda t: _RANK.get(t.name, len(_RANK))
    )
    checker.finish(existing or (lambda table, ids: set()))


class _Checker:
    def __init__(self, data: Dataset, vocabulary: Any) -> None:
        self.data, self.vocabulary = data, vocabulary
        self.spool: Spool = data.spool
        self.spec = tables("3.1")
        self.ids: dict[str, set[Any]] = {}  # table -> keys of the file's records
        self.repeated: dict[str, set[Any]] = {}  # table -> keys given on more than one row
        self.done: set[str] = set()  # tables read whole
        self.later: list[tuple[str, int, str, str, str, str]] = []  # table, row, id, field, target, value
        self.renamed: dict[str, str] | None = None
        self.terms = vocabulary.by_id() if vocabulary is not None else {}

    # -- reading ------------------------------------------------------------------------------------------

    def take(self, table: Table, file: str, records: Iterator[tuple[int, Record]]) -> None:
        if table.name in HELD:
            reader.hold(self.data)(table, file, records)
            return
        self._settle_held()
        ids = self.ids.setdefault(table.name, set())
        linked = table.name in LINKED
        repeated = self.repeated.setdefault(table.name, set())
        links = self._links(table)
        data, name, later = self.data, table.name, self.later
        chunk: list[tuple[int, Record]] = []
        with self.spool.writer(table.name) as out:
            for number, record in records:
                given_id = record["id"]
                data.current = (name, given_id, number)  # problems below name the row
                validate.check_row(data, table, given_id, record)
                for fld, target, known in links:
                    value = record.get(fld)
                    if value is not None and (known is None or value not in known):
                        later.append((name, number, given_id, fld, target, value))
                if name == "attribute":
                    self._check_attribute(number, given_id, record)
                k = record["id"] if linked else key(record["id"])
                if k in ids:
                    repeated.add(k)
                else:
                    ids.add(k)
                if name == "service":
                    data.top_ids.append(record["id"])
                chunk.append((number, record))
                if len(chunk) == CHUNK:
                    _dump(chunk, out)
                    chunk = []
            if chunk:
                _dump(chunk, out)
        data.current = None
        self.spool.counts[table.name] = len(ids)
        self.done.add(table.name)

    def _links(self, table: Table) -> list[tuple[str, str, set[Any] | None]]:
        """Each link of the table, with the ids of its target when they are all read and kept as text."""
        return [
            (fld, target, self.ids.get(target, set()) if target in self.done and target in LINKED else None)
            for fld, target in table.references.items()
        ]

    def _check_attribute(self, number: int, record_id: str, record: Record) -> None:
        if self.renamed is not None:
            validate.check_attribute(self.data, record_id, record, self.renamed, self.terms)
        entity, link = record.get("link_entity"), record.get("link_id")
        if entity in self.spec and isinstance(link, str):
            self._link("attribute", number, record_id, "link_id", str(entity), link)

    def _link(self, table: str, number: int, record_id: str, fld: str, target: str, value: str) -> None:
        if target in self.done and target != table and self._known(target, value):
            return
        self.later.append((table, number, record_id, fld, target, value))

    def _known(self, table: str, value: str) -> bool:
        return (value if table in LINKED else key(value)) in self.ids.get(table, ())

    def _settle_held(self) -> None:
        """Check the held tables, once all are read (they come first): attributes then meet canonical terms."""
        if self.renamed is not None:
            return
        data = self.data
        for name in HELD:
            for record_id, record in data.records.get(name, {}).items():
                validate.check_record(data, self.spec[name], record_id, record)
            if name in data.records:
                validate.canonical_keys(data, name)
        self.renamed = validate.map_terms(data, self.vocabulary) if self.vocabulary is not None else {}
        self.ids["taxonomy_term"] = {*data.records.get("taxonomy_term", {}), *self.terms}
        self.ids["taxonomy"] = set(data.records.get("taxonomy", {}))
        if self.vocabulary is not None:
            self.ids["taxonomy"].add(TAXONOMY_ID)
        self.done.update(HELD)

    # -- after the last row -------------------------------------------------------------------------------

    def finish(self, existing: Existing) -> None:
        self._settle_held()
        self._merge_repeated()
        built_in = {"taxonomy_term": set(self.terms), "taxonomy": {TAXONOMY_ID}} if self.terms else {}

        def lookup(table: str, ids: set[str]) -> set[str]:
            return (ids & built_in.get(table, set())) | existing(table, ids)

        validate.check_references(self.data, lookup)  # the held tables' own links
        wanted: dict[str, set[str]] = {}
        unsettled = []
        for item in self.later:
            target, value = item[4], item[5]
            if not self._known(target, value):
                unsettled.append(item)
                wanted.setdefault(target, set()).add(value)
        self.later = []
        found = {target: lookup(target, ids) for target, ids in wanted.items()}
        for table, number, record_id, fld, target, value in unsettled:
            if value not in found[target]:
                self.data.problem(
                    "dangling_reference",
                    severity=WARNING,
                    file=self.data.files.get(table, ""),
                    where=f"row {number}",
                    table=table,
                    record_id=record_id,
                    fld=fld,
                    value=value,
                    target=target,
                )

    def _merge_repeated(self) -> None:
        """A record given on several rows is one record: its rows must agree (``reader.merge``)."""
        for table, repeated in self.repeated.items():
            if not repeated:
                continue
            merged: dict[Any, Record] = {}
            for chunk in self.spool.rows(table):
                for number, record in chunk:
                    k = record["id"] if table in LINKED else key(record["id"])
                    if k in merged:
                        self._merge(table, merged[k], record, number)
                    elif k in repeated:
                        merged[k] = record
            self.spool.merged[table] = merged

    def _merge(self, table: str, first: Record, record: Record, number: int) -> None:
        for name, value in record.items():
            if value in (None, ""):
                continue
            old = first.get(name)
            if old in (None, ""):
                first[name] = value
            elif old != value:
                self.data.problem(
                    "duplicate_conflict",
                    file=self.data.files.get(table, ""),
                    where=f"row {number}",
                    table=table,
                    record_id=record["id"],
                    fld=name,
                    id=record["id"],
                )
