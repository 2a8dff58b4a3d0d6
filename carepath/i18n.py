"""Shared i18n helpers: the content language, and languages by name for the people who read them."""

from django.utils import translation
from django.utils.translation import get_language

from . import languages


def language() -> str:
    """The active language as a content language of Carepath: "en" or "fr"."""
    active = (get_language() or "en")[:2]
    return active if active in ("en", "fr") else "en"


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of an ISO 639 language in ``in_language`` (default: the active one), or the code itself."""
    lang = (in_language or translation.get_language() or "en")[:2]
    found = languages.name(code, lang)
    if found is not None:
        return found
    with translation.override(lang):
        try:
            name = str(translation.get_language_info(code)["name_translated"])
        except KeyError:
            return code
    # French writes language names in lower case inside a sentence.
    return name.lower() if lang == "fr" else name


def language_label(code: str, in_language: str | None = None) -> str:
    """A language for a family to recognize: by its own name too ("ਪੰਜਾਬੀ (Punjabi)"), else its name."""
    lang = (in_language or translation.get_language() or "en")[:2]
    return languages.label(code, lang) or language_name(code, lang)
