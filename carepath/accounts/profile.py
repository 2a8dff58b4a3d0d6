"""What other apps add to a person's profile page (``accounts:profile``): links, each shown to those with its
permission. ``accounts`` is the lowest app and knows none of the pages above it, so each app adds its own in its
``AppConfig.ready`` (``communities``: the reports about what the site keeps)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Link:
    perm: str  # checked with no object: ``user.has_perm(perm)``
    url_name: str
    label: str | Promise  # gettext_lazy, so that it is read in the language of the page


LINKS: list[Link] = []


def add_link(*, perm: str, url_name: str, label: str | Promise) -> None:
    link = Link(perm, url_name, label)
    if link not in LINKS:
        LINKS.append(link)


def links_for(user: Any) -> list[dict[str, Any]]:
    """The links ``user`` may follow, in the order they were added, as ``url`` and ``label``."""
    return [
        {"url": reverse(link.url_name), "label": link.label} for link in LINKS if user.has_perm(link.perm)
    ]
