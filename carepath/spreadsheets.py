"""CSV files meant for people, which open in a spreadsheet: no cell from data may run as a formula.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (``=HYPERLINK(...)`` typed in survey evidence comes out as a live link), so such
text gets a leading single quote, as OWASP advises ("CSV injection"). Numbers stay numbers: an ``int``,
``float`` or ``Decimal`` is written as it is, so ``-3`` remains a negative number while the text ``"-3"`` is
quoted. Every text cell is also written between double quotes, so a spreadsheet that splits lines on ``;`` (as
French Canadian Excel does) keeps ``Visit;=1+1`` one cell instead of making ``=1+1`` a cell of its own.
Interchange files that programs read (the HSDS CSV of ``directory/hsds/writer.py``) are not for
people and stay exact: they do not use this module.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def escape(value: Any) -> Any:
    """A cell as a spreadsheet may safely read it: text that could start a formula gets a leading quote."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Writer:
    """``csv.writer`` whose every cell goes through ``escape``."""

    def __init__(self, file: _Writable, **options: Any) -> None:
        options.setdefault("quoting", csv.QUOTE_NONNUMERIC)  # text quoted whatever the reader splits on
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([escape(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: _Writable, **options: Any) -> Writer:
    """A CSV writer for people: ``spreadsheets.writer(response).writerow([...])``."""
    return Writer(file, **options)
