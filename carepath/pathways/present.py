"""How pages show a pathway version: its steps by stage, in the reader's language, with what the checks find.
Shared by the version, review and editor pages (``views/``)."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carepath import i18n
from carepath.communities.models import Community
from carepath.concurrency import moment

from . import describe, diagram, queries, signoff
from .findings import said
from .graph import STAGES, Pathway, in_language
from .models import Invitation, PathwayVersion, Review


def stage_names() -> dict[str, str]:
    return {code: describe.stage(code) for code in STAGES}


def steps(plan: Pathway, language: str) -> list[dict[str, Any]]:
    keys = plan.by_key()
    out = []
    for step in plan.steps:
        out.append(
            {
                "step": step,
                "kind": describe.kind(step.kind),
                "title": step.title.get(language) or step.title.get("en"),
                "text": step.text.get(language) or step.text.get("en", ""),
                "ages": describe.ages(step),
                "target": describe.target(step),
                "service_types": describe.terms("service-type", step.service_types),
                "sectors": describe.terms("sector", step.sectors),
                "tiers": describe.terms("tier", step.tiers),
                "concerns": describe.terms("concern", step.concerns),
                "links": [
                    {"url": link.url, "title": link.title.get(language) or link.title.get("en")}
                    for link in step.links
                ],
                "transitions": [
                    {
                        "to": transition.to,
                        "to_title": (keys[transition.to].title.get(language) or transition.to)
                        if transition.to in keys
                        else transition.to,
                        "otherwise": transition.otherwise,
                        "conditions": describe.conditions(transition.criteria),
                    }
                    for transition in step.transitions
                ],
            }
        )
    return out


def version_context(request: HttpRequest, community: Community, version: PathwayVersion) -> dict[str, Any]:
    plan = queries.graph_of(version)
    language = i18n.language()
    title = plan.title.get(language) or plan.title.get("en", "")
    shown = steps(plan, language)
    summary = _(
        "%(count)s steps in three stages: to care, through care and out of care. The list below the drawing gives every step and where it leads."
    ) % {"count": len(shown)}
    return {
        "community": community,
        "version": version,
        "plan": plan,
        "title": title,
        "description": plan.description.get(language) or plan.description.get("en", ""),
        "stages": [
            (stage, stage_names()[stage], [s for s in shown if s["step"].stage == stage]) for stage in STAGES
        ],
        # Drawn only by the pages that show it (a template calls it), and once per content and language.
        "svg": functools.partial(drawing, plan, language, title=title, description=summary),
        "is_member": request.user.has_perm("communities.view_unpublished", community),
        "can_edit": request.user.has_perm("pathways.change_pathway", community),
        "can_publish": request.user.has_perm("pathways.publish_pathway", community),
    }


DRAWING_SECONDS = 24 * 3600


def drawing(plan: Pathway, language: str, *, title: str, description: str) -> str:
    """The pathway's SVG diagram, from the cache when the same content was drawn before in this language (the
    drawing is a function of what it is given: a 60-step pathway takes about 0.1 s to lay out)."""
    names = stage_names()
    given = json.dumps([plan.to_dict(), language, title, description, names], sort_keys=True)
    key = "pathway-svg:" + hashlib.sha256(given.encode()).hexdigest()
    drawn = cache.get(key)
    if drawn is None:
        drawn = diagram.svg(plan, language, title=title, description=description, stage_names=names)
        cache.set(key, drawn, DRAWING_SECONDS)
    return str(drawn)


def findings(plan: Pathway) -> list[dict[str, Any]]:
    """What the checks find in a version, in the reader's language."""
    return said(plan)


def review_context(
    request: HttpRequest, community: Community, version: PathwayVersion, review: Review
) -> dict[str, Any]:
    """A version's context for a page of its review: each step with its comments, and how many are open."""
    context = version_context(request, community, version)
    comments = list(review.comments.all())
    titles = {step.key: in_language(step.title, i18n.language(), step.key) for step in context["plan"].steps}
    for c in comments:  # a comment on the way on from a step names the next step
        c.about_title = titles.get(c.to_key, c.to_key) if c.to_key else ""
    for _stage, _name, steps in context["stages"]:
        for item in steps:
            item["comments"] = [c for c in comments if c.step_key == item["step"].key]
    context["general"] = {"comments": [c for c in comments if not c.step_key]}
    context["review"] = review
    context["open_comments"] = sum(1 for c in comments if c.resolved_at is None)
    return context


def publication(version: PathwayVersion, approved: list[Invitation]) -> dict[str, Any] | None:
    """How a version was published, for its page and the history of versions: who, when, how (``kind``, a
    ``Publication`` value, blank for versions published before publishing needed a review), the approvals of
    its review (name, when, note) and the reason given for publishing without review."""
    if version.published_at is None:
        return None
    who = version.published_by
    return {
        "kind": version.publication,
        "by": (who.get_full_name() or who.get_username()) if who else _("an automatic task"),
        "when": moment(version.published_at),
        "reason": version.publish_reason,
        "approved_by": signoff.names(approved),
        "approvals": approvals(approved),
    }


def approvals(approved: list[Invitation]) -> list[dict[str, str]]:
    """Who approved in a review, when, and with what note."""
    return [
        {"name": i.name, "when": moment(i.approved_at), "note": i.approval_note}
        for i in approved
        if i.approved_at is not None
    ]


def history(versions: list[PathwayVersion]) -> dict[int, dict[str, Any] | None]:
    """How each version was published, by version id (two queries for any number of versions: the versions
    come with ``published_by``)."""
    approved = queries.approvals(versions)
    return {v.pk: publication(v, approved.get(v.pk, [])) for v in versions}
