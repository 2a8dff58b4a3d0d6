"""Finding services by words: PostgreSQL's full-text search and trigrams, or plain containment elsewhere.

On PostgreSQL a service is found by full text when
- its name and description in English match the words with the ``english`` text search configuration, or its
  name and description in French with ``french`` (stemmed: "orthophoniste" finds "orthophonie", "stuttering"
  finds "stutter"; websearch syntax: "quoted phrases", ``or``, ``-word``);
- or its organization's name matches them, in either language.
With ``fuzzy`` (the pages ask for it when full text finds nothing), a service is found when its name in either
language is close to the words by trigrams (``pg_trgm``'s word similarity), so a misspelt or partial name
("preshool speech", "orthophon") still finds it. Trigrams are not in the same condition as full text: PostgreSQL
checks each trigram candidate again with the whole condition (about 20 µs a row), and cannot estimate how many
there are, so a common word took half a second.
Each of these is a GIN index (directory migration 0008, on PostgreSQL only), so a search reads the index and not
100,000 rows; the expressions here and the indexes there must stay the same (``tests/directory/test_search.py``
reads the plans). ``rank`` puts the best match first in the page's language: names weigh more than
descriptions, the other language counts half, and names close by trigrams count too.

Elsewhere (SQLite): every word (up to ``MAX_WORDS``) must be in the service's name, description or organization
name, in either language, case-insensitively, fuzzy or not; no ranking.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import F, Lookup, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from carepath.i18n import language as active_language

CONFIGS = {"en": "english", "fr": "french"}
QS = TypeVar("QS", bound=QuerySet[Any])
MAX_WORDS = 8


def find(services: QS, words: str, *, fuzzy: bool, organizations: QuerySet[Any]) -> QS:
    """The services the words find (``Service.objects.search``); ``fuzzy``: on PostgreSQL, those whose name
    resembles them instead (for words full text finds nothing with). ``organizations``: all of them."""
    if not full_text(services.db):
        return services.filter(containing(words))
    if fuzzy:
        return services.filter(resembling(words))
    return services.alias(**vectors()).filter(matching(words, organizations))


def full_text(alias: str) -> bool:
    """Whether the database behind ``alias`` searches with full text (PostgreSQL) or by containment."""
    return connections[alias].vendor == "postgresql"


def words_of(text: str) -> str:
    return " ".join(text.split()[:MAX_WORDS])


def service_vector(lang: str, path: str = "") -> CombinedSearchVector:
    """The service's name (weight A) and description (C) in ``lang``, with that language's configuration."""
    config = CONFIGS[lang]
    return SearchVector(f"{path}name_{lang}", config=config, weight="A") + SearchVector(
        f"{path}description_{lang}", config=config, weight="C"
    )


def organization_vector(lang: str) -> SearchVector:
    return SearchVector(f"name_{lang}", config=CONFIGS[lang], weight="B")


def search_query(text: str, lang: str) -> SearchQuery:
    return SearchQuery(words_of(text), config=CONFIGS[lang], search_type="websearch")


class EqualsAny(Lookup):
    """``column = ANY(ARRAY(subquery))``: unlike ``IN (subquery)`` inside an OR, PostgreSQL reads it with the
    column's index, beside the other indexes of the OR."""

    lookup_name = "equals_any"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def matching(text: str, organizations: QuerySet[Any]) -> Q:
    """The services the words find by full text, on PostgreSQL (``organizations``: every organization, to find
    services by their organization's name)."""
    found = Q()
    named = Q()
    for lang in CONFIGS:
        found |= Q(**{f"search_{lang}": search_query(text, lang)})
        named |= Q(**{f"search_{lang}": search_query(text, lang)})
    by_name = organizations.alias(**{f"search_{lang}": organization_vector(lang) for lang in CONFIGS})
    return found | Q(
        EqualsAny(F("organization_id"), ArraySubquery(by_name.filter(named).order_by().values("id")))
    )


def resembling(text: str) -> Q:
    """The services whose name, in either language, is close to the words by trigrams (for words full text
    does not find: misspelt, or part of a word), on PostgreSQL."""
    found = Q()
    for lang in CONFIGS:
        found |= Q(TrigramWordSimilar(F(f"name_{lang}"), Value(words_of(text))))
    return found


def containing(text: str) -> Q:
    """Elsewhere than on PostgreSQL: every word (up to ``MAX_WORDS``) in the service's name, description or
    organization's name, in either language, in any case."""
    query = Q()
    for word in text.split()[:MAX_WORDS]:
        query &= (
            Q(name_en__icontains=word)
            | Q(name_fr__icontains=word)
            | Q(description_en__icontains=word)
            | Q(description_fr__icontains=word)
            | Q(organization__name_en__icontains=word)
            | Q(organization__name_fr__icontains=word)
        )
    return query


def vectors() -> dict[str, CombinedSearchVector]:
    """The aliases ``matching`` reads: each language's vector of the service."""
    return {f"search_{lang}": service_vector(lang) for lang in CONFIGS}


def rank(text: str, path: str = "", lang: str | None = None, *, fuzzy: bool = False) -> Any:
    """How well the service (at ``path``: ``service__`` from an inventory entry) matches the words, best first
    in ``lang`` (default: the page's): full-text rank in that language, half of it in the other, and how close
    the name in that language (or else the other) is to the words by trigrams; ``fuzzy`` (services found by
    their names): that closeness alone."""
    lang = lang or active_language()
    other = "fr" if lang == "en" else "en"
    text = words_of(text)
    close = TrigramWordSimilarity(Value(text), Coalesce(f"{path}name_{lang}", f"{path}name_{other}"))
    if fuzzy:
        return close
    return (
        SearchRank(service_vector(lang, path), search_query(text, lang))
        + SearchRank(service_vector(other, path), search_query(text, other)) * Value(0.5)
        + close
    )
