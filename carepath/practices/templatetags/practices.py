"""Template helpers of the practice registry."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from carepath import i18n
from carepath.practices import codes, rubric
from carepath.practices.models import Practice

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """A {"en": ..., "fr": ...} text in the page's language (English when the French is missing)."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    return str(value.get(i18n.language()) or value.get("en") or "")


@register.filter
def code_label(code: str, branch: str) -> str:
    return codes.label(branch, code, i18n.language())


@register.filter
def score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@register.filter
def paragraphs(text: str) -> SafeString:
    """Plain text as HTML: a blank line between paragraphs; lines starting "- " make a list. Escaped."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            blocks.append(format_html("<ul>{}</ul>", items))
        else:
            blocks.append(format_html("<p>{}</p>", " ".join(lines)))
    return SafeString("".join(blocks))


ACTIONS = {
    "practices.create": _("Created"),
    "practices.update": _("Edited"),
    "practices.add_evidence": _("Evidence added"),
    "practices.remove_evidence": _("Evidence removed"),
    "practices.submit": _("Submitted"),
    "practices.start_screening": _("Screening started"),
    "practices.screen": _("Screened"),
    "practices.assign_reviewer": _("Reviewer assigned"),
    "practices.unassign_reviewer": _("Reviewer taken off"),
    "practices.declare_interests": _("Interests declared"),
    "practices.rate": _("Ratings saved"),
    "practices.finish_review": _("Review finished"),
    "practices.ask": _("Question asked"),
    "practices.answer": _("Question answered"),
    "practices.decide": _("Decision recorded"),
    "practices.publish": _("Published"),
    "practices.archive": _("Archived"),
    "practices.regrade": _("Re-grading started"),
    "practices.record_approval": _("Community approval recorded"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


@register.filter
def status_label(status: str) -> str:
    return str(dict(Practice.Status.choices).get(status, status or "–"))


@register.filter
def rating_label(code: str) -> str:
    rating = rubric.load().ratings.get(code)
    return rating["label"][i18n.language()] if rating else code
