"""Links that come from data: only web addresses (and ``mailto:``/``tel:`` where a field is meant for them).

A value from a file, a form or a pathway document becomes a link on a page only when it passes ``is_safe``;
otherwise pages show it as text. Browsers drop tabs and newlines inside a URL and read the scheme in any case
(``JaVa\tScRiPt:``), so any whitespace or control character makes a value unsafe, and schemes compare in
lower case. Plain Python, so that the HSDS reader can use it too; the form and model validator is
``carepath.validators.SafeURLValidator``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

UNSAFE = re.compile("[\x00-\x20\x7f-\x9f]")  # whitespace and control characters (C0, DEL, C1)
WEB = frozenset({"http", "https"})
MAIL = frozenset({"mailto"})
PHONE = frozenset({"tel"})


def is_safe(value: object, schemes: Iterable[str] = WEB) -> bool:
    """Whether ``value`` is a URL whose scheme is one of ``schemes`` (web addresses need a host)."""
    if not isinstance(value, str) or not value or len(value) > 2048:
        return False
    if UNSAFE.search(value):
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
