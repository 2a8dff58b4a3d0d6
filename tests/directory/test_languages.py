"""Languages by their own name as well (issue 11, item 6): families recognize "ਪੰਜਾਬੀ", not "pa"."""

from __future__ import annotations

import pytest

from carepath import languages
from carepath.i18n import language_label, language_name


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [
        ("pa", "en", "ਪੰਜਾਬੀ (Punjabi)"),
        ("pa", "fr", "ਪੰਜਾਬੀ (pendjabi)"),
        ("zh", "en", "中文 (Chinese)"),
        ("tl", "en", "Tagalog"),
        ("en", "en", "English"),
        ("fr", "en", "français (French)"),
        ("fr", "fr", "français"),
        ("fra", "en", "français (French)"),
        ("pan", "fr", "ਪੰਜਾਬੀ (pendjabi)"),
    ],
)
def test_languages_are_named_in_their_own_words_and_the_readers(code, language, expected):
    assert language_label(code, language) == expected


def test_every_alias_names_a_known_language_and_none_shows_as_a_code():
    for code, aliases in languages.ALIASES.items():
        assert code in languages.NAMES
        for alias in aliases:
            assert languages.equivalents(alias) == languages.equivalents(code)
            for reader in ("en", "fr"):
                assert language_label(alias, reader) not in (alias, code)
                assert language_name(alias, reader) not in (alias, code)


def test_a_stored_name_stays_plain_english():
    assert language_name("pa", "en") == "Punjabi"
    assert language_name("so", "fr") == "somali"
