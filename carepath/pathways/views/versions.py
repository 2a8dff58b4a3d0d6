"""Pathway pages: the published pathway (diagram, list, print), its versions with their checks, the gap report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carepath import i18n, spreadsheets
from carepath.accounts.access import permission_required
from carepath.communities.models import Community
from carepath.communities.queries import community_at, published_services
from carepath.directory.queries import service_facts

from .. import changes, diff, exports, gaps, present, queries, services
from ..graph import Step
from ..models import Feedback, PathwayVersion


def _version(community: Community, number: int | None, user: Any) -> PathwayVersion:
    """The version numbered (the published one for None), if the person may see it; else 404."""
    versions = queries.visible_versions(user, community).select_related(
        "pathway__community", "published_by", "based_on"
    )
    if number is None:
        version = versions.published().first()
        if version is None:
            raise Http404(_("This community has no published pathway yet."))
        return version
    version = versions.filter(number=number).first()
    if version is None:
        raise Http404(_("This version is not public."))
    return version


@permission_required("communities.view_community", community_at)
def pathway_detail(request: HttpRequest, community: Community, number: int | None = None) -> HttpResponse:
    version = _version(community, number, request.user)
    context = present.version_context(request, community, version)
    if version.published_at is not None:
        context["publication"] = present.publication(
            version, queries.approvals([version]).get(version.pk, [])
        )
    # Readers send feedback on the published version; its facilitators see how much is waiting.
    context["feedback_open"] = version.status == PathwayVersion.Status.PUBLISHED
    if context["feedback_open"] and context["can_publish"]:
        context["feedback_waiting"] = Feedback.objects.filter(pathway=version.pathway).open().count()
    if context["is_member"]:
        context["findings"] = present.findings(context["plan"])
        context["versions"] = list(
            version.pathway.versions.select_related("published_by").order_by("-number")
        )
        context["publications"] = present.history(context["versions"])
    return render(request, "pathways/detail.html", context)


@permission_required("communities.view_community", community_at)
@require_GET
def download(request: HttpRequest, community: Community, number: int, fmt: str) -> HttpResponse:
    """A version as a file to keep: pathway JSON or a FHIR R4B Bundle (``exports``). Anyone may download what
    they may read: a published or retired version; drafts and versions in review only the table's members."""
    version = _version(community, number, request.user)
    response = HttpResponse(exports.export_text(version, fmt), content_type=exports.FILES[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(version, fmt)}"'
    if version.status not in (PathwayVersion.Status.PUBLISHED, PathwayVersion.Status.RETIRED):
        patch_cache_control(response, private=True, no_store=True)  # a draft is kept by no shared cache
    return response


def _inventory(community: Community) -> tuple[list[Any], gaps.Inventory]:
    facts = service_facts(published_services(community))
    places = [gaps.Place(p.key, p.name, p.latitude, p.longitude) for p in community.places.all()]
    return facts, gaps.Inventory(facts, places)


@permission_required("communities.view_community", community_at)
def pathway_print(request: HttpRequest, community: Community, number: int | None = None) -> HttpResponse:
    version = _version(community, number, request.user)
    context = present.version_context(request, community, version)
    facts, inventory = _inventory(community)
    language = i18n.language()
    by_id = {f.id: f for f in facts}
    for item in (step for stage in context["stages"] for step in stage[2]):
        ids = inventory.ids(gaps.step_gaps(item["step"], inventory).mask)
        item["services"] = sorted(
            (
                (by_id[i].name_fr or by_id[i].name) if language == "fr" else by_id[i].name,
                by_id[i].organization,
                i,
            )
            for i in ids
        )
    return render(request, "pathways/print.html", context)


@permission_required("communities.view_unpublished", community_at)
def gap_report(request: HttpRequest, community: Community, number: int | None = None) -> HttpResponse:
    version = _version(community, number, request.user)
    plan = queries.graph_of(version)
    inventory = _inventory(community)[1]
    language = i18n.language()
    rows = [(step, gaps.step_gaps(step, inventory)) for step in plan.steps]
    if request.GET.get("format") == "csv":
        return _gaps_csv(community, version, rows, inventory, language)
    flags = {
        "no-service": _("No service"),
        "no-french": _("No French service"),
        "no-indigenous": _("No Indigenous-led option"),
        "waits-over-target": _("Waits longer than the target"),
        "place-without-service": _("A place with no service"),
    }
    can_add = request.user.has_perm("communities.change_inventory", community)
    return render(
        request,
        "pathways/gaps.html",
        {
            "community": community,
            "version": version,
            "language": language,
            "rows": [
                {
                    "step": step,
                    "title": step.title.get(language) or step.title.get("en"),
                    "gaps": g,
                    "flags": [flags[f] for f in g.flags],
                    "services_url": _services_of(community, step),
                }
                for step, g in rows
            ],
            "add_url": reverse("communities:service-add", args=[community.slug]) if can_add else None,
            "bands": [f"{low}-{high}" for low, high in gaps.AGE_BANDS],
            "other_languages": inventory.other_languages,
            "places": inventory.places,
        },
    )


def _services_of(community: Community, step: Step) -> str:
    """The community's inventory filtered to the step's kinds of service: the closest list its filters can
    make of the services behind a flag (they cannot ask for an age range, a tier or no tier, a missing
    language, Indigenous-led services, waits or places)."""
    query = urlencode([("term", f"service-type/{code}") for code in step.service_types])
    return reverse("communities:detail", args=[community.slug]) + (f"?{query}" if query else "")


def _gaps_csv(
    community: Community, version: PathwayVersion, rows: list[Any], inventory: gaps.Inventory, language: str
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{community.slug}-pathway-v{version.number}-gaps.csv"'
    )
    writer = spreadsheets.writer(response)
    bands = [f"{low}-{high}" for low, high in gaps.AGE_BANDS]
    writer.writerow(
        [
            "step",
            "title",
            "services",
            *[f"age_{b}" for b in bands],
            "english",
            "french",
            *[f"language_{c}" for c in inventory.other_languages],
            "in_person",
            "virtual",
            "home_visit",
            *[f"place_{p.key}" for p in inventory.places],
            "indigenous_led",
            "target_days",
            "wait_known",
            "over_target",
            "flags",
        ]
    )
    for step, g in rows:
        writer.writerow(
            [
                step.key,
                step.title.get(language) or step.title.get("en"),
                g.services,
                *["" if g.by_age[b] is None else g.by_age[b] for b in bands],
                g.by_language["en"],
                g.by_language["fr"],
                *[g.by_language.get(c, 0) for c in inventory.other_languages],
                g.by_delivery["in-person"],
                g.by_delivery["virtual"],
                g.by_delivery["home-visit"],
                *[g.by_place[p.key] for p in inventory.places],
                g.indigenous_led,
                "" if step.target_days is None else step.target_days,
                g.wait_known,
                g.over_target,
                " ".join(g.flags),
            ]
        )
    return response


@permission_required("pathways.change_pathway", community_at)
@require_POST
def start_draft(request: HttpRequest, community: Community) -> HttpResponse:
    source = request.POST.get("from")
    from_version = None
    if source and source != "template":
        from_version = get_object_or_404(PathwayVersion, pathway__community=community, number=source)
    draft = services.start_draft(community=community, actor=request.user, from_version=from_version)
    messages.success(request, _("Draft version %(number)s was started.") % {"number": draft.number})
    return redirect("pathways:version", slug=community.slug, number=draft.number)


@permission_required("communities.view_community", community_at)
def compare(request: HttpRequest, community: Community) -> HttpResponse:
    try:
        old = _version(community, int(request.GET.get("from", "")), request.user)
        new = _version(community, int(request.GET.get("to", "")), request.user)
    except ValueError:
        raise Http404(_("Choose two versions to compare.")) from None
    before, after = queries.graph_of(old), queries.graph_of(new)
    found = diff.compare(before, after)
    return render(
        request,
        "pathways/compare.html",
        {
            "community": community,
            "old": old,
            "new": new,
            "changed": bool(found),
            **changes.shown(found, before, after, i18n.language()),
        },
    )
