"""The check every list view and API list gets (STYLE.md, habit 13): as many queries for three items as for one.

Each test says how to add the n-th item (through the services or the HSDS importer), how to ask for the list,
and how many items the answer shows; the helper asks for the list with one item and again with three, checks
that it shows exactly that many, and that the number of queries did not grow. When it did, the message lists
the queries for three items, so the one repeated per item stands out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_queries_do_not_grow(
    *,
    add: Callable[[int], object],
    fetch: Callable[[], Any],
    shown: Callable[[Any], int | tuple[int, ...]],
    sizes: tuple[int, int] = (1, 3),
) -> None:
    """``add(n)`` makes item n (1, 2, 3, ...); ``fetch()`` asks for the list; ``shown(answer)`` counts its items
    (a tuple of counts for a page with several lists, each grown by ``add``).

    The list is asked for once before each count, so what is cached on first use, or again after a write (the
    vocabulary, content types, the navigator's snapshot), is not taken for a query per item. ``sizes`` is (1, 3)
    unless a list needs more to be a list at all (the navigator goes straight to the only community)."""
    made = 0

    def grow(to: int) -> None:
        nonlocal made
        while made < to:
            made += 1
            add(made)

    counted = []
    for size in sizes:
        grow(size)
        fetch()
        with CaptureQueriesContext(connection) as queries:
            answer = fetch()
        counts = shown(answer)
        for count in counts if isinstance(counts, tuple) else (counts,):
            assert count == size, f"a list shows {count} items where {size} were made ({counts})"
        counted.append(queries)
    few, many = counted
    assert len(many) == len(few), (
        f"{len(few)} queries with {sizes[0]} item(s), {len(many)} with {sizes[1]}:\n"
        + "\n".join(query["sql"][:300] for query in many.captured_queries)
    )


def page(client: Any, path: str) -> Callable[[], str]:
    """A ``fetch`` for a page: its HTML, once it has answered 200."""

    def fetch() -> str:
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        return response.content.decode()

    return fetch


def api(client: Any, path: str) -> Callable[[], Any]:
    """A ``fetch`` for an API list: its JSON body, once it has answered 200."""

    def fetch() -> Any:
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        return response.json()

    return fetch
