"""Links that come from data: only web addresses (and ``mailto:``/``tel:`` where a field is meant for them).

A value from a file, a form or a pathway document becomes a link on a page only when it passes ``is_safe``;
otherwise pages show it as text. Browsers drop tabs and newlines inside a URL and read the scheme in any case
(``JaVa\tScRiPt:``), so any whitespace or control character makes a value unsafe, and schemes compare in
lower case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

WEB = frozenset({"http", "https"})
MAIL = frozenset({"mailto"})
PHONE = frozenset({"tel"})


def is_safe(value: object, schemes: Iterable[str] = WEB) -> bool:
    """Whether ``value`` is a URL whose scheme is one of ``schemes`` (web addresses need a host)."""
    if not isinstance(value, str) or not value or len(value) > 2048:
        return False
    if any(ord(ch) <= 32 or 127 <= ord(ch) <= 159 for ch in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # a malformed IPv6 host, say
        return False
    scheme = parts.scheme.lower()
    if scheme not in frozenset(schemes):
        return False
    if scheme in WEB:
        return bool(host)
    return bool(parts.path)


def href(value: object, schemes: Iterable[str] = WEB) -> str:
    """``value`` when it may be a link, else an empty string."""
    return value if isinstance(value, str) and is_safe(value, schemes) else ""


@deconstructible
class SafeURLValidator:
    """A form and model validator: only ``schemes`` (http and https by default)."""

    def __init__(self, schemes: Iterable[str] = WEB) -> None:
        self.schemes = tuple(sorted(schemes))

    def __call__(self, value: Any) -> None:
        if value in (None, ""):
            return
        if not is_safe(value, self.schemes):
            raise ValidationError(message(self.schemes), code="unsafe_url", params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafeURLValidator) and other.schemes == self.schemes

    def __hash__(self) -> int:
        return hash(self.schemes)


def message(schemes: Iterable[str] = WEB) -> Any:
    """What to give instead, for people."""
    kinds = set(schemes)
    if kinds == set(WEB):
        return _("Give a web address that starts with http:// or https://.")
    if kinds == set(WEB | MAIL):
        return _("Give a web address (http:// or https://) or an e-mail link (mailto:).")
    if kinds == set(WEB | PHONE):
        return _("Give a web address (http:// or https://) or a phone link (tel:).")
    return _("Give a link that starts with one of: %(schemes)s.") % {
        "schemes": ", ".join(f"{s}:" for s in sorted(kinds))
    }
