"""Validators shared by the forms and models of every app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .links import MAIL, PHONE, WEB, is_safe


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
