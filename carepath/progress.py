"""A progress bar on a terminal (tqdm), nothing when output goes to a file or a pipe: what a management command
that shows progress passes as ``progress(stage, done, total)`` (``carepath import-hsds``)."""

import sys
from typing import Any

from tqdm import tqdm


class ProgressBar:
    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar: Any = None
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total or None, desc=stage, unit=" records", file=self.stream, leave=False)
        if self.bar is not None:
            self.bar.total = total or None
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
