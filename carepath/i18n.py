"""Shared i18n helpers."""

from django.utils.translation import get_language


def language() -> str:
    """The active language as a content language of Carepath: "en" or "fr"."""
    active = (get_language() or "en")[:2]
    return active if active in ("en", "fr") else "en"
