"""Searching services: full text in English and French and trigrams on names on PostgreSQL, containment on SQLite.

CI runs the suite on SQLite and on PostgreSQL. Each test asserts what the database at hand does, never skipping:
full text (stems, both languages, best match first) where PostgreSQL is, the containment of every word that the
fallback keeps elsewhere.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from carepath.accounts.services import set_membership
from carepath.directory.models import Service
from tests.conftest import PASSWORD, _user
from tests.factories import service

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def directory(import_file, community):
    import_file(
        [
            service(
                "speech",
                name="Preschool speech and language",
                description="Assessment and therapy for children who stutter.",
            ),
            service(
                "play", name="Play group", description="Songs and games; a speech therapist comes monthly."
            ),
            service("sleep", name="Baby sleep clinic", description="Help with naps and nights."),
        ]
    )
    import_file(
        [
            service(
                "ortho",
                name="Orthophonie préscolaire",
                description="Évaluation et thérapie pour les enfants qui bégaient.",
            )
        ],
        language="fr",
    )
    return community


def names(services) -> list[str]:
    return sorted(s.name_en or s.name_fr for s in services)


def shown(response) -> list[str]:
    return [entry.service.name for entry in response.context["page"]]


def test_french_words_find_french_text_by_their_stem(directory):
    found = names(Service.objects.search("orthophoniste"))
    if POSTGRES:  # the french configuration: orthophoniste and orthophonie are both "orthophon"
        assert found == ["Orthophonie préscolaire"]
    else:
        assert found == []  # "orthophoniste" is in no name


def test_english_words_find_english_text_by_their_stem(directory):
    found = names(Service.objects.search("stuttering"))
    if POSTGRES:  # "stuttering" and "stutter" are both "stutter" in English
        assert found == ["Preschool speech and language"]
    else:
        assert found == []


def test_every_word_is_found_in_a_name_a_description_or_the_organization(directory):
    assert names(Service.objects.search("speech")) == ["Play group", "Preschool speech and language"]
    assert names(Service.objects.search("speech games")) == ["Play group"]
    assert names(Service.objects.search("Lakeside")) == [
        "Baby sleep clinic",
        "Orthophonie préscolaire",
        "Play group",
        "Preschool speech and language",
    ]
    assert names(Service.objects.search("sleep nowhere")) == []


def test_a_misspelt_or_partial_name_finds_the_service_by_trigrams(directory):
    assert (
        names(Service.objects.search("preshool speech")) == []
    )  # no such word, for full text or containment
    fuzzy = names(Service.objects.search("preshool speech", fuzzy=True))
    assert fuzzy == (["Preschool speech and language"] if POSTGRES else [])
    partial = names(Service.objects.search("orthophon", fuzzy=True))
    assert partial == ["Orthophonie préscolaire"]  # a part of the name: trigrams, or containment


def test_the_inventory_finds_a_misspelt_name_when_full_text_finds_nothing(client, directory):
    response = client.get(f"/en/communities/{directory.slug}/?q=preshool+speech")
    assert shown(response) == (["Preschool speech and language"] if POSTGRES else [])


def test_the_inventory_shows_the_best_match_first_in_the_language_of_the_page(client, directory):
    english = shown(client.get(f"/en/communities/{directory.slug}/?q=speech"))
    if POSTGRES:  # in the name weighs more than in the description
        assert english == ["Preschool speech and language", "Play group"]
    else:  # no ranking: by name
        assert english == ["Play group", "Preschool speech and language"]
    french = shown(client.get(f"/fr/communities/{directory.slug}/?q=orthophoniste"))
    assert french == (["Orthophonie préscolaire"] if POSTGRES else [])


def test_the_list_from_elsewhere_searches_the_same_way(client, directory, other_community):
    user = _user("hal")
    set_membership(user=user, community=other_community, role="facilitator")
    assert client.login(username="hal", password=PASSWORD)
    response = client.get(f"/en/communities/{other_community.slug}/services/from-elsewhere/?q=stuttering")
    assert shown(response) == (["Preschool speech and language"] if POSTGRES else [])


def plan(queryset) -> str:
    """The plan PostgreSQL picks when it may not read whole tables: the indexes the search can use."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_search_reads_its_indexes_on_postgresql_and_compares_text_on_sqlite(directory):
    full_text = Service.objects.search("speech").values("id")
    fuzzy = Service.objects.search("speech", fuzzy=True).values("id")
    if POSTGRES:
        assert {"service_search_en", "service_search_fr", "organization_search_en"} <= words(plan(full_text))
        assert {"service_name_en_trgm", "service_name_fr_trgm"} <= words(plan(fuzzy))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%search%'")
            assert cursor.fetchall() == []  # migration 0008 made no search index here
        assert str(full_text.query).count("LIKE") == 6  # one word, six fields
        assert str(fuzzy.query).count("LIKE") == 6


def words(text: str) -> set[str]:
    return set(text.replace("(", " ").replace(")", " ").split())
