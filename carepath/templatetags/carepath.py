"""Template helpers shared by every app."""

from typing import Any

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from carepath.directory import vocabulary

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context: dict[str, Any], language: str) -> str:
    """The current page in another language (/en/... <-> /fr/...), query string kept."""
    request = context["request"]
    url = translate_url(request.path, language)
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@register.filter
def term_label(code: str) -> str:
    term = vocabulary.load().terms.get(code)
    return term.label(get_language() or "en") if term else code


@register.filter
def years_to_months(value: float | None) -> int | None:
    return None if value is None else round(value * 12)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()
