"""Template helpers shared by every app."""

from typing import Any

from django import template
from django.urls import translate_url
from django.utils.dates import WEEKDAYS as NAMES
from django.utils.translation import get_language, gettext, ngettext

from carepath import i18n, links
from carepath.directory import vocabulary

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context: dict[str, Any], language: str) -> str:
    """The current page in another language (/en/... <-> /fr/...), query string kept."""
    request = context["request"]
    url = translate_url(request.path, language)
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@register.inclusion_tag("includes/breadcrumbs.html")
def crumbs(*trail: Any) -> dict[str, Any]:
    """The breadcrumb trail above a page's title: label and URL pairs, then the current page's label.

    ``{% url 'communities:list' as list_url %}{% crumbs _("Communities") list_url community.name
    community.get_absolute_url _("Import") %}``. Without a last label the trail ends at its last link; a label
    that is empty (a page named only sometimes) leaves its crumb out.
    """
    pairs = len(trail) // 2 * 2
    links = [(label, url) for label, url in zip(trail[:pairs:2], trail[1:pairs:2], strict=True) if label]
    return {"crumbs": links, "here": trail[pairs] if len(trail) > pairs else None}


@register.filter
def term_label(code: str) -> str:
    term = vocabulary.load().terms.get(code)
    return term.label(get_language() or "en") if term else code


@register.filter
def language_name(code: str) -> str:
    """An ISO 639 code as the language's name in the page's language ("Arabic", "arabe")."""
    return i18n.language_name(code)


@register.filter
def years_to_months(value: float | None) -> int | None:
    return None if value is None else round(value * 12)


def _age(years: float) -> str:
    months = round(years * 12)
    if months < 24 or months % 12:
        return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}
    return ngettext("%(count)s year", "%(count)s years", months // 12) % {"count": months // 12}


@register.filter
def age_range(service: Any) -> str:
    """A service's ages for people: "18 months to 6 years", "from 4 years", "up to 6 years"."""
    return years_range((service.minimum_age, service.maximum_age))


@register.filter
def years_range(ages: tuple[float | None, float | None]) -> str:
    """Ages in years, (low, high) with None for an open end, for people; empty when both are open."""
    low, high = ages
    if low is not None and high is not None:
        if low <= 0:
            return gettext("up to %(high)s") % {"high": _age(high)}
        return gettext("%(low)s to %(high)s") % {"low": _age(low), "high": _age(high)}
    if low is not None:
        return gettext("from %(low)s") % {"low": _age(low)}
    if high is not None:
        return gettext("up to %(high)s") % {"high": _age(high)}
    return ""


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


@register.filter
def schedule_text(schedule: Any) -> str:
    """A schedule for people: its description, else its days and hours in the page's language."""
    if schedule.description:
        return str(schedule.description)
    days = [
        str(NAMES[WEEKDAYS[d.strip()]]) for d in (schedule.byday or "").split(",") if d.strip() in WEEKDAYS
    ]
    hours = ""
    if schedule.opens_at and schedule.closes_at:
        hours = gettext("%(opens)s to %(closes)s") % {
            "opens": schedule.opens_at[:5],
            "closes": schedule.closes_at[:5],
        }
    return ", ".join(days) + (f" · {hours}" if hours else "")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def safe_href(value: Any, schemes: str = "http,https") -> str:
    """A URL from data when it may be a link (``carepath.links``), else "": show the value as text instead.

    ``{% with href=service.url|safe_href %}{% if href %}<a href="{{ href }}">...</a>{% else %}...{% endif %}``
    """
    return links.href(value, [s.strip() for s in schemes.split(",")])


@register.filter
def tel_href(number: Any) -> str:
    """A phone number as a ``tel:`` or ``sms:`` link target: its digits, and a leading + (nothing else from
    data reaches the link)."""
    text = str(number or "").strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    return ("+" + digits) if text.startswith("+") and digits else digits
