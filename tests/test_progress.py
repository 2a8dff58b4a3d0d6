"""The progress bar of the commands: drawn on a terminal, nothing at all in a file or a pipe."""

from __future__ import annotations

import io

from carepath.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_for_each_stage():
    out = Terminal()
    bar = ProgressBar(out)
    bar("read", 500, 0)
    bar("write service", 3, 10)
    bar.close()
    assert "read" in out.getvalue()
    assert "write service" in out.getvalue()


def test_nothing_is_written_to_a_file_or_a_pipe():
    out = io.StringIO()
    bar = ProgressBar(out)
    bar("read", 500, 0)
    bar.close()
    assert out.getvalue() == ""
