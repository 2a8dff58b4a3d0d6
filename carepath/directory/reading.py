"""Reading an HSDS file and checking it against the directory, writing nothing: what an import does before
it writes (``services.write_dataset``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from . import queries, vocabulary
from .hsds import reader, stream, validate

Progress = Callable[[str, int, int], None]  # stage, done, total


def _reader_limits() -> reader.Limits:
    """The import limits of the settings (README, "Security")."""
    return reader.Limits(
        max_bytes=settings.CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_files=settings.CAREPATH_IMPORT_MAX_FILES,
        max_ratio=settings.CAREPATH_IMPORT_MAX_RATIO,
        max_field_bytes=settings.CAREPATH_IMPORT_MAX_FIELD_BYTES,
        max_columns=settings.CAREPATH_IMPORT_MAX_COLUMNS,
        max_depth=settings.CAREPATH_JSON_MAX_DEPTH,
    )


def read_and_check(
    path: Path, *, display_name: str | None = None, progress: Progress | None = None
) -> reader.Dataset:
    """Read and validate a file against the directory, without writing anything. A data package's large
    tables are checked row by row and kept on disk (``stream``) until ``write_dataset``: the caller closes
    the dataset (``Dataset.close``)."""
    counter = _Counter(progress, "read")
    options: dict[str, Any] = {
        "display_name": display_name,
        "progress": counter if progress else None,
        "limits": _reader_limits(),
    }
    if stream.is_package(path):
        return stream.check_package(
            path, **options, vocabulary=vocabulary.load(), existing=queries.existing_ids
        )
    data = reader.read(path, **options)
    if not data.errors:
        validate.validate(data, existing=queries.existing_ids, vocabulary=vocabulary.load())
    return data


class _Counter:
    def __init__(self, progress: Progress | None, stage: str) -> None:
        self.progress, self.stage, self.done = progress, stage, 0

    def __call__(self, step: int) -> None:
        self.done += step
        if self.progress and self.done % 500 == 0:
            self.progress(self.stage, self.done, 0)
