"""French is complete: every interface string translated, placeholders kept, pages in French."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

PO = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(PO)) if not entry.obsolete]


def test_every_interface_string_is_translated_and_none_is_fuzzy():
    missing = [entry.msgid for entry in entries() if not entry.translated()]
    fuzzy = [entry.msgid for entry in entries() if "fuzzy" in entry.flags]
    assert missing == []
    assert fuzzy == []


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if (sorted(PLACEHOLDER.findall(text)) != expected and not entry.msgid_plural) or (
                entry.msgid_plural
                and not set(PLACEHOLDER.findall(text))
                <= set(PLACEHOLDER.findall(entry.msgid) + PLACEHOLDER.findall(entry.msgid_plural))
            ):
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "french"),
    [
        ("/fr/", "Prendre soin des jeunes enfants, ensemble"),
        ("/fr/communities/", "Communautés"),
        ("/fr/accounts/login/", "Se connecter"),
    ],
)
def test_pages_are_in_french(client, path, french):
    response = client.get(path)
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert french in content
    assert 'hreflang="en"' in content  # the switch back to English


@pytest.mark.django_db
def test_language_switch_keeps_the_page_and_query(client):
    response = client.get("/en/communities/?q=sleep")
    assert (
        '<a href="/fr/communities/?q=sleep" lang="fr" hreflang="fr">Français</a>' in response.content.decode()
    )
