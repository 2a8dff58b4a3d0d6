"""Reports of a problem with a service's listing: the form anyone sends (no sign-in, rate-limited), the thank-you
page that says who will see it, and the pages where the people who keep listings read and resolve them (the
steward community's facilitators; the site administrators for what the site keeps)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carepath import concurrency, i18n, limits
from carepath.accounts.access import permission_required

from . import services
from .forms import ReportForm
from .models import Community, InventoryEntry, ListingReport
from .queries import community_at, entry_at

RESOLVED_SHOWN = 20


@require_http_methods(["GET", "POST"])
@limits.limit("listing-report", "CAREPATH_REPORT_RATE")
@permission_required("communities.view_community", community_at)
def report(request: HttpRequest, community: Community, service_id: Any) -> HttpResponse:
    entry = entry_at(request.user, community, service_id)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.report_listing(
            service_id=entry.service_id,
            community=community,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            reply_email=form.cleaned_data["reply_email"],
            language=i18n.language(),
            base_url=request.build_absolute_uri("/"),
        )
        return redirect("communities:report-thanks", slug=community.slug, service_id=entry.service_id)
    return render(
        request,
        "communities/report.html",
        {"community": community, "entry": entry, "service": entry.service, "form": form},
        status=400 if form.is_bound else 200,
    )


@permission_required("communities.view_community", community_at)
def report_thanks(request: HttpRequest, community: Community, service_id: Any) -> HttpResponse:
    entry = entry_at(request.user, community, service_id)
    return render(
        request,
        "communities/report_thanks.html",
        {"community": community, "entry": entry, "service": entry.service},
    )


def _reports_page(request: HttpRequest, steward: Community | None) -> HttpResponse:
    kept = ListingReport.objects.kept_by(steward).select_related("community", "resolved_by")
    shown = [*kept.open(), *kept.resolved().order_by("-resolved_at", "-id")[:RESOLVED_SHOWN]]
    listed = set()
    if steward is not None:
        listed = {
            str(pk)
            for pk in InventoryEntry.objects.filter(
                community=steward, service_id__in=[r.service_id for r in shown if r.service_id]
            ).values_list("service_id", flat=True)
        }
    for item in shown:
        item.sent = concurrency.moment(item.created_at)  # type: ignore[attr-defined]
        item.resolved = concurrency.moment(item.resolved_at) if item.resolved_at else ""  # type: ignore[attr-defined]
        item.listed_here = str(item.service_id) in listed  # type: ignore[attr-defined]
    return render(
        request,
        "communities/reports.html",
        {
            "community": steward,
            "steward": steward,
            "open_reports": [r for r in shown if r.resolved_at is None],
            "resolved_reports": [r for r in shown if r.resolved_at is not None],
        },
    )


def _resolve(request: HttpRequest, steward: Community | None, report_id: int, back: str) -> HttpResponse:
    try:
        services.resolve_report(report_id=report_id, steward=steward, actor=request.user)
    except services.NoSuchReportError:
        raise Http404(_("There is no such report.")) from None
    messages.success(request, _("The report is marked resolved."))
    return redirect(back)


@never_cache
@permission_required("communities.see_reports", community_at)
def reports(request: HttpRequest, community: Community) -> HttpResponse:
    return _reports_page(request, community)


@require_POST
@permission_required("communities.see_reports", community_at)
def resolve(request: HttpRequest, community: Community, report_id: int) -> HttpResponse:
    return _resolve(
        request, community, report_id, reverse("communities:reports", kwargs={"slug": community.slug})
    )


@never_cache
@permission_required("communities.see_site_reports")
def site_reports(request: HttpRequest) -> HttpResponse:
    return _reports_page(request, None)


@require_POST
@permission_required("communities.see_site_reports")
def site_resolve(request: HttpRequest, report_id: int) -> HttpResponse:
    return _resolve(request, None, report_id, reverse("communities:site-reports"))
