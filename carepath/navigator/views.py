"""The family journey and the provider view: questions, the plan, print, and saved plans under a private link.

Nothing about a family is stored unless they press "save my plan"; then only their answers are.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carepath import i18n, limits, versions
from carepath.communities.models import Community
from carepath.i18n import language_label
from carepath.pathways import describe

from . import present, queries, services, snapshots
from .answers import UnreadableError, from_posted
from .api import NAVIGATOR_SCOPE
from .engine import Directory
from .forms import JourneyForm, initial_from
from .serializers import MatchRequestSerializer

PER_STEP = {False: 3, True: 10}  # services per step: families (a short plan), providers


def choose(request: HttpRequest) -> HttpResponse:
    communities = queries.with_pathways()
    if len(communities) == 1:
        return redirect("navigator:journey", slug=communities[0].slug)
    return render(request, "navigator/choose.html", {"communities": communities})


def _community(slug: str) -> tuple[Community, tuple[str, str]]:
    """The community of the address, with a published pathway, and its tokens (``versions.tokens``)."""
    found = queries.community_with_tokens(slug)
    if isinstance(found, queries.Problem):
        raise Http404(found.message)
    community, tokens = found
    if snapshots.published(community, tokens[1]) is None:
        raise Http404(_("This community has no published pathway yet."))
    return community, tokens


def _form(community: Community, directory: Directory, data: Any = None, initial: Any = None) -> JourneyForm:
    languages = sorted({code for kind, code in directory.masks if kind == "language" and len(code) <= 3})
    return JourneyForm(
        data, initial=initial or {}, community=community, language=i18n.language(), extra_languages=languages
    )


def _crisis(community: Community, directory: Directory) -> list[Any]:
    language = i18n.language()
    out = []
    for service_id, details in queries.crisis_box(community, directory):
        facts = directory.services[directory.index[service_id]]
        name = (facts.name_fr or facts.name) if language == "fr" else facts.name
        out.append({"name": name, "details": details})
    return out


@never_cache
@limits.limit(NAVIGATOR_SCOPE, "CAREPATH_NAVIGATOR_RATE")
def journey(request: HttpRequest, slug: str, provider: bool = False) -> HttpResponse:
    community, tokens = _community(slug)
    directory = snapshots.directory(community, tokens[0])
    form = _form(community, directory, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _plan_page(request, community, form.as_request(), provider=provider, form=form, tokens=tokens)
    context = {
        "community": community,
        "form": form,
        "provider": provider,
        "crisis": _crisis(community, directory),
    }
    return render(request, "navigator/journey.html", context, status=400 if form.is_bound else 200)


@never_cache
@limits.limit(NAVIGATOR_SCOPE, "CAREPATH_NAVIGATOR_RATE", methods=("GET", "HEAD"))
def plan_page(request: HttpRequest, slug: str, provider: bool = False) -> HttpResponse:
    """The plan at its own address: the answers are the query (no name, no contact details), so back, reload
    and bookmarks work and nothing is stored. Answers that do not read go back to the questions, with why."""
    community, tokens = _community(slug)
    directory = snapshots.directory(community, tokens[0])
    form = _form(community, directory, request.GET)
    if form.is_valid():
        return _plan_page(request, community, form.as_request(), provider=provider, form=form, tokens=tokens)
    context = {
        "community": community,
        "form": form,
        "provider": provider,
        "crisis": _crisis(community, directory),
    }
    return render(request, "navigator/journey.html", context, status=400)


def _plan_page(
    request: HttpRequest,
    community: Community,
    answers: dict[str, Any],
    *,
    provider: bool = False,
    form: JourneyForm | None = None,
    saved: Any = None,
    token: str = "",
    template: str = "navigator/plan.html",
    tokens: tuple[str, str] | None = None,
) -> HttpResponse:
    """The plan page; ``tokens``: the community's, when the caller has read them already (else read here)."""
    answers = {**answers, "community": community.slug, "language": i18n.language()}
    serializer = MatchRequestSerializer(data=answers)
    if not serializer.is_valid():  # a saved plan from before a change of codes, say
        messages.error(request, _("These answers can no longer be read. Please answer the questions again."))
        return redirect("navigator:journey", slug=community.slug)
    tokens = tokens or versions.tokens(community.pk)
    directory = snapshots.directory(community, tokens[0])
    found = queries.plan(community, serializer.to_request(), PER_STEP[provider], directory, tokens)
    if isinstance(found, queries.Problem):
        raise Http404(found.message)
    version, result = found
    data = present.as_json(
        result,
        community.slug,
        str(version.pathway_id),
        version.number,
        queries.contacts(present.contact_ids(result)),
    )
    ids = [item["id"] for item in data["recommendations"]] + [
        item["id"] for item in data["fallbacks"] if "id" in item
    ]
    details = queries.service_details(community, ids)
    language = i18n.language()
    for plan_step, item in zip(result.steps, data["steps"], strict=True):
        item["text"] = plan_step.step.text.get(language) or plan_step.step.text.get("en", "")
        item["target_days"] = plan_step.step.target_days
        item["sectors"] = plan_step.step.sectors
        item["kind"] = plan_step.step.kind
        item["first"] = plan_step.why == "first-steps"
        item["links"] = [
            {"url": link.url, "title": link.title.get(language) or link.title.get("en", "")}
            for link in plan_step.step.links
        ]
        for service, found_service in zip(item["services"], plan_step.services, strict=True):
            service["details"] = details.get(service["id"])
            service["facts"] = found_service.facts
    for fallback, found_service in zip(
        [f for f in data["fallbacks"] if "id" in f], result.fallbacks, strict=True
    ):
        fallback["details"] = details.get(fallback["id"])
        fallback["facts"] = found_service.facts
    context = {
        "community": community,
        "version": version,
        "plan": data,
        "now": [s for s in data["steps"] if s["when"] == "now"],
        # for a referral: the help for this child first, then the universal first steps
        "referrals": sorted((s for s in data["steps"] if s["when"] == "now"), key=lambda s: s["first"]),
        "crisis_lines": [line for line in data["safety"] if "id" in line],
        "next": [s for s in data["steps"] if s["when"] == "next"],
        "answers": answers,
        "answers_json": json.dumps(answers, separators=(",", ":")),
        "summary": _summary(answers),
        "share_url": _share_url(request, community, provider, saved),
        "urgent": answers["situation"].get("urgency") == "crisis" or result.harm,
        "has_empty": any("empty" in step for step in data["steps"]),
        "provider": provider,
        "form": form or _form(community, directory, initial=initial_from(answers)),
        "saved": saved,
        "token": token,
    }
    return render(request, template, context)


def _share_url(request: HttpRequest, community: Community, provider: bool, saved: Any) -> str:
    """The address to share: a saved plan's private link, else the plan's own address (its answers as the
    query: sharing it stores nothing)."""
    if saved is not None or request.method == "GET":
        return request.build_absolute_uri()
    query = request.POST.copy()
    query.pop("csrfmiddlewaretoken", None)
    name = "navigator:provider-plan" if provider else "navigator:plan"
    return request.build_absolute_uri(f"{reverse(name, args=[community.slug])}?{query.urlencode()}")


def _summary(answers: dict[str, Any]) -> list[str]:
    """The answers in a few words, so the family can check what the plan is based on."""
    child, family = answers["child"], answers["family"]
    out = [_("Age: %(months)s months") % {"months": child["age_months"]}]
    if child.get("concerns"):
        out.append(_("Worries: %(list)s") % {"list": ", ".join(describe.terms("concern", child["concerns"]))})
    for item in child.get("screening", []):
        out.append(describe.screening(item["tool"], item["result"]))
    out.append(
        _("Languages: %(list)s") % {"list": ", ".join(language_label(code) for code in family["languages"])}
    )
    if family.get("delivery"):
        out.append(_("Ways: %(list)s") % {"list": ", ".join(describe.terms("delivery", family["delivery"]))})
    situation = answers.get("situation", {})
    out.append(_("Urgency: %(value)s") % {"value": describe.urgency(situation.get("urgency", "routine"))})
    return out


def _answers(request: HttpRequest) -> dict[str, Any] | None:
    """The answers a plan page posts back (save, print), read again as they come from the browser: only the
    navigator request's fields, validated and bounded (``answers.from_posted``); None when they cannot be."""
    try:
        return from_posted(request.POST.get("answers", ""))
    except UnreadableError:
        return None


def _unreadable(request: HttpRequest, community: Community) -> HttpResponse:
    messages.error(request, _("These answers could not be read. Please answer the questions again."))
    return redirect("navigator:journey", slug=community.slug)


@require_POST
@limits.limit("plan-save", "CAREPATH_PLAN_SAVE_RATE")
def save(request: HttpRequest, slug: str) -> HttpResponse:
    community, _tokens = _community(slug)
    answers = _answers(request)
    if answers is None:
        return _unreadable(request, community)
    try:
        token, _saved = services.save_plan(community=community, answers=answers)
    except UnreadableError:
        return _unreadable(request, community)
    messages.success(
        request, _("Your plan is saved. Keep this page's address: it is the only way back to it.")
    )
    return redirect("navigator:saved", token=token)


@require_POST
@never_cache
@limits.limit(NAVIGATOR_SCOPE, "CAREPATH_NAVIGATOR_RATE")
def print_plan(request: HttpRequest, slug: str) -> HttpResponse:
    community, tokens = _community(slug)
    answers = _answers(request)
    if answers is None:
        return _unreadable(request, community)
    provider = request.POST.get("provider") == "1"
    # A provider prints a one-page referral summary; a family, their whole plan.
    template = "navigator/referral.html" if provider else "navigator/print.html"
    return _plan_page(request, community, answers, provider=provider, template=template, tokens=tokens)


def _gone(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "navigator/gone.html",
        {"choose": reverse("navigator:choose"), "days": settings.CAREPATH_PLAN_DAYS},
        status=404,
    )


@never_cache
@limits.limit(NAVIGATOR_SCOPE, "CAREPATH_NAVIGATOR_RATE", methods=("GET", "HEAD"))
def saved(request: HttpRequest, token: str, template: str = "navigator/plan.html") -> HttpResponse:
    found = queries.saved_plan(token)
    if found is None:
        return _gone(request)
    return _plan_page(request, found.community, found.answers, saved=found, token=token, template=template)


@require_POST
def delete(request: HttpRequest, token: str) -> HttpResponse:
    found = queries.saved_plan(token)
    if found is None:
        return _gone(request)
    services.delete_plan(token=token)
    messages.success(request, _("Your saved plan is deleted. Nothing of it is kept."))
    return redirect(reverse("navigator:journey", kwargs={"slug": found.community.slug}))
