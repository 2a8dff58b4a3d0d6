"""Pages of long lists (carepath/paging.py): counted up to a cap, read from the nearer end of their order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from carepath.communities.models import InventoryEntry
from carepath.communities.queries import name_order
from carepath.paging import CappedPaginator, window
from tests.factories import service

pytestmark = pytest.mark.django_db

NAMES = ["Apple", "banana", "Cherry", "date", "Elder", "fig", "Grape"]  # by name, whatever the case


@pytest.fixture
def entries(import_file, community):
    import_file([service(name.lower(), name=name) for name in reversed(NAMES)])
    return (
        InventoryEntry.objects.filter(community=community).select_related("service").order_by(*name_order())
    )


def names(rows) -> list[str]:
    return [entry.service.name for entry in rows]


def test_a_window_is_the_same_rows_read_from_either_end(entries):
    assert names(entries) == NAMES
    for start in range(len(NAMES) + 1):
        for stop in range(start, len(NAMES) + 2):
            assert names(window(entries, start, stop, len(NAMES))) == NAMES[start:stop], (start, stop)


def test_a_list_within_its_cap_is_counted_and_paged_as_any(entries):
    paginator = CappedPaginator(entries, 3, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 3)
    assert names(paginator.get_page(3)) == ["Grape"]
    assert names(paginator.get_page(99)) == ["Grape"]  # past the end: the last page, as Django's
    assert names(paginator.get_page("x")) == NAMES[:3]


def test_a_count_stops_at_the_cap(entries):
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(entries, 2, cap=4).count == 5  # more than 4
    (counted,) = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert "LIMIT 5" in counted and "ORDER BY" not in counted


def test_a_list_past_its_cap_offers_the_next_page_while_there_is_one(entries):
    paginator = CappedPaginator(entries, 2, cap=4)
    first = paginator.get_page(1)
    assert (names(first), first.has_next(), first.has_previous(), paginator.capped) == (
        NAMES[:2],
        True,
        False,
        True,
    )
    second = paginator.get_page(2)
    assert (names(second), second.has_next()) == (NAMES[2:4], True)


def test_a_page_past_the_counted_rows_counts_the_list_and_reads_from_its_end(entries):
    paginator = CappedPaginator(entries, 2, cap=4)
    third = paginator.get_page(3)
    assert (names(third), third.has_next(), paginator.count, paginator.num_pages) == (NAMES[4:6], True, 7, 4)
    last = CappedPaginator(entries, 2, cap=4).get_page(4)
    assert (names(last), last.has_next(), last.has_previous()) == (["Grape"], False, True)
    beyond = CappedPaginator(entries, 2, cap=4).get_page(99)
    assert (beyond.number, names(beyond)) == (4, ["Grape"])


def test_a_search_is_shown_best_first_while_few_match_and_in_list_order_past_the_cap(entries):
    best_first = entries.order_by(Lower("service__name_en").desc())
    few = CappedPaginator(entries, 3, cap=10, ranked=best_first)
    assert names(few.get_page(1)) == ["Grape", "fig", "Elder"]
    many = CappedPaginator(entries, 3, cap=5, ranked=best_first)
    assert names(many.get_page(1)) == ["Apple", "banana", "Cherry"]


@pytest.mark.parametrize(
    ("language", "count", "pages"),
    [
        ("en", "More than 4 services found", "Page 1</span>"),
        ("fr", "Plus de 4 services trouvés", "Page 1</span>"),
    ],
)
def test_a_list_past_its_cap_says_more_than_the_cap_and_no_number_of_pages(
    rf, entries, community, language, count, pages
):
    with translation.override(language):
        page = CappedPaginator(entries, 2, cap=4).get_page(1)
        context = {"page": page, "community": community}
        html = render_to_string("communities/_results.html", context, request=rf.get("/"))
    assert count in html
    assert pages in html and " of " not in html and " sur " not in html
