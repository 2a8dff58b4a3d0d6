"""Tabular data packages: a folder or a .zip with CSV files, read within limits (no Django).

The reader (``reader.py``) holds a package's records; the importer of whole directories (``stream.py``)
reads the same files row by row, twice, and holds only what checks between rows need.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from carepath import safejson

from .problems import WARNING

if TYPE_CHECKING:
    from .reader import Dataset

RATIO_FLOOR = 1024 * 1024  # small entries compress well by nature (an empty table, datapackage.json)


@dataclass(frozen=True)
class Limits:
    """How much a file may hold, so that no file can exhaust a worker's memory or time (settings in README)."""

    max_bytes: int = 256 * 1024 * 1024  # uncompressed: the JSON file, or all CSV files of a package
    max_files: int = 100  # entries of a zip
    max_ratio: int = 100  # uncompressed size / compressed size of one zip entry (above 1 MiB)
    max_field_bytes: int = 1024 * 1024  # one CSV cell
    max_columns: int = 100  # one CSV row
    max_depth: int = safejson.DEFAULT_MAX_DEPTH  # JSON nesting


class Package:
    name: str

    def exists(self, path: str) -> bool:
        raise NotImplementedError

    def sizes(self) -> list[tuple[str, int, int]]:
        """Each file of the package: its path, its size and its size as stored (compressed)."""
        raise NotImplementedError

    def open_text(self, path: str) -> io.TextIOBase:
        raise NotImplementedError


class FolderPackage(Package):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.name = root.name

    def _resolve(self, path: str) -> Path | None:
        candidate = (self.root / path).resolve()
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def exists(self, path: str) -> bool:
        return self._resolve(path) is not None

    def sizes(self) -> list[tuple[str, int, int]]:
        found = []
        for item in self.root.glob("*"):
            if item.is_file():
                size = item.stat().st_size
                found.append((item.name, size, size))
        return found

    def open_text(self, path: str) -> io.TextIOBase:
        resolved = self._resolve(path)
        assert resolved is not None
        return open(resolved, encoding="utf-8-sig", newline="")


class ZipPackage(Package):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.name = Path(archive.filename or "package.zip").name
        names = [n for n in archive.namelist() if not n.endswith("/")]
        # A package zipped with its folder: datapackage.json one level down.
        roots = sorted(
            {str(PurePosixPath(n).parent) for n in names if PurePosixPath(n).name == "datapackage.json"},
            key=len,
        )
        self.prefix = "" if not roots or roots[0] == "." else roots[0] + "/"
        self.names = set(names)

    def sizes(self) -> list[tuple[str, int, int]]:
        return [(info.filename, info.file_size, info.compress_size) for info in self.archive.infolist()]

    def exists(self, path: str) -> bool:
        return safe_relative(path) and self.prefix + path in self.names

    def open_text(self, path: str) -> io.TextIOBase:
        return io.TextIOWrapper(self.archive.open(self.prefix + path), encoding="utf-8-sig", newline="")


def safe_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return (
        not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in path
        and not (len(path) > 1 and path[1] == ":")  # C:/...
    )


def within_limits(package: Package, data: Dataset, limits: Limits) -> bool:
    """Refuse a package before reading it: too many files, unsafe paths, too large once expanded, a bomb."""
    sizes = package.sizes()
    if len(sizes) > limits.max_files:
        data.problem("package_files", file=package.name, where="", count=len(sizes), limit=limits.max_files)
        return False
    unsafe = [path for path, _size, _stored in sizes if not safe_relative(path)]
    for path in unsafe:
        data.problem("zip_path", file=package.name, where="", path=path)
    total = sum(size for _path, size, _stored in sizes)
    if total > limits.max_bytes:
        data.problem("package_too_large", file=package.name, where="", size=total, limit=limits.max_bytes)
    for path, size, stored in sizes:
        if size > RATIO_FLOOR and size > limits.max_ratio * max(stored, 1):
            data.problem(
                "zip_ratio",
                file=package.name,
                where=path,
                ratio=size // max(stored, 1),
                limit=limits.max_ratio,
            )
    return not data.problems


def has_nul(package: Package, path: str) -> bool:
    """NUL characters cannot be stored by any database: find them before parsing (a fast scan of bytes)."""
    with package.open_text(path) as handle:
        return any("\x00" in chunk for chunk in iter(lambda: handle.read(1 << 20), ""))


def resources(package: Package, data: Dataset) -> list[Any] | None:
    if not package.exists("datapackage.json"):
        return None
    try:
        with package.open_text("datapackage.json") as handle:
            descriptor = safejson.loads(handle.read())
        resources = descriptor["resources"]
        if not isinstance(resources, list):
            raise TypeError("'resources' must be a list")
    except (ValueError, KeyError, TypeError) as exc:  # broken, too deep or not UTF-8
        data.problem(
            "datapackage_broken", severity=WARNING, file="datapackage.json", where="", reason=str(exc)
        )
        return None
    return resources


class FieldTooLargeError(Exception):
    def __init__(self, row: int) -> None:
        self.row = row


def csv_rows(handle: io.TextIOBase, limits: Limits) -> Iterator[list[str]]:
    """CSV rows, a cell larger than the limit stopping the file (the csv module's limit is per process)."""
    csv.field_size_limit(limits.max_field_bytes)
    reader = csv.reader(handle)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FieldTooLargeError(reader.line_num) from None
            raise
        yield row


# Columns whose values repeat from row to row.
SHARED_VALUES = frozenset(
    {
        "link_id",
        "link_type",
        "link_entity",
        "value",
        "resource_type",
        "location_type",
        "address_type",
        "status",
        "city",
        "state_province",
        "country",
        "code",
        "type",
        "extent_type",
        "currency",
    }
)
