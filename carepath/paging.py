"""Pages of lists that may hold 100,000 rows, without counting them all on every view.

``CappedPaginator`` counts up to ``cap`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``, which stops early)
rather than the whole join: past the cap a page says "more than 1,000" and offers the next page while there is
one, found by reading one row more than the page shows.

A page past the rows counted (a number typed into the address, or many pages on) has the list counted whole,
and is read from the list's nearer end (``window``): the last page is as quick as the first.

A list with ``ranked`` (the same rows, best match first: a search) is shown in that order while no more than
``cap`` rows match: ranking costs a little for each row that matches, so a search that matches more is shown in
the list's own order, which an index gives a page at a time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections, transaction
from django.db.models import QuerySet

CAP = 1000


@contextmanager
def counting(using: str) -> Iterator[None]:
    """On PostgreSQL, the queries inside are planned without hash joins or parallel workers (elsewhere: as they
    are), for counts of a join of 100,000 services with their inventory entries.

    Hashing one side reads it all, which the planner prices under what it costs, while reading the two in step
    from their indexes (a merge join, or a lookup per row that stops at the cap) costs a fraction: at 100,000
    services a whole count took 37 ms against 72 ms, a count to 1,000 of a search 10 ms against 54 ms. Starting
    parallel workers costs more than such a count (5 ms, for a search that finds nothing)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # SET LOCAL lasts to the end of the transaction (or of its savepoint, if that is rolled back); a savepoint
    # released keeps it, hence the RESET (inside a request's or a test's transaction).
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL max_parallel_workers_per_gather = 0")
        yield
        cursor.execute("RESET enable_hashjoin; RESET max_parallel_workers_per_gather")


def window(rows: QuerySet[Any], start: int, stop: int, total: int) -> list[Any]:
    """Rows ``start`` to ``stop`` of an ordered list of ``total`` rows, read from its nearer end: a page near the
    end of a long list is read backwards from the last row (its index, in reverse) instead of past every row
    before it. The order must be total (end with a unique column) for the two ends to agree."""
    stop = min(stop, total)
    if start >= stop:
        return []
    if start <= total - stop:
        return list(rows[start:stop])
    return list(rows.reverse()[total - stop : total - start])[::-1]


class CappedPage(Page):
    """A page of a list counted past its cap: whether a next page exists is read, not computed."""

    def __init__(self, object_list: Sequence[Any], number: int, paginator: Any, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self) - 1 if len(self) else 0


class CappedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``cap + 1`` (then ``capped``); ``ranked``: the same rows best
    match first, shown while no more than ``cap`` match."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        cap: int = CAP,
        ranked: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.ranked = ranked

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap + 1`` for more than ``cap``."""
        with counting(self.object_list.db):
            return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the cap (then ``count`` and ``num_pages`` are not the whole)."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return math.ceil(self.count / self.per_page)  # the pages known to exist, at least
        return super().num_pages

    def validate_number(self, number: Any) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if not self.capped and number > self.num_pages:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped:
            top = min(bottom + self.per_page, self.count)  # none past the end: nothing to ask when empty
            return self._get_page(list(self._rows()[bottom:top]) if top > bottom else [], number, self)
        if bottom + self.per_page <= self.cap:
            # Among the rows counted: reading one more than the page shows says whether another follows.
            found = list(self.object_list[bottom : bottom + self.per_page + 1])
            return CappedPage(found[: self.per_page], number, self, more=len(found) > self.per_page)
        # Past them (a page few ask for): count the list whole, once, and read the page from its nearer end.
        with counting(self.object_list.db):
            self.count = self.object_list.order_by().count()
        self.__dict__.pop("num_pages", None)
        number = min(number, self.num_pages)
        rows = window(self.object_list, (number - 1) * self.per_page, number * self.per_page, self.count)
        return CappedPage(rows, number, self, more=number < self.num_pages)

    def _rows(self) -> QuerySet[Any]:
        """The rows in the order to show: ranked, while no more than ``cap`` match."""
        return self.ranked if self.ranked is not None and not self.capped else self.object_list

    def get_page(self, number: Any) -> Page:
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages if self.count else 1
        return self.page(number)
