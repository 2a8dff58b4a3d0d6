"""Files in and out of a community: the HSDS upload (imported by a background job, whose page follows it) and
the downloads of the inventory (streamed, so that memory stays flat however large the inventory)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from carepath import uploads
from carepath.accounts.access import permission_required
from carepath.uploads import limited_upload

from . import exports, jobs
from .forms import ImportForm
from .models import Community
from .queries import community_at, import_job_at, import_job_result, recent_import_jobs


@permission_required("communities.import_hsds", community_at)
@require_http_methods(["GET", "POST"])
@limited_upload("CAREPATH_MAX_IMPORT_BYTES")
def import_upload(request: HttpRequest, community: Community) -> HttpResponse:
    """The file's size and type are checked here; the import itself runs as a job, followed on its page."""
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=settings.CAREPATH_MAX_IMPORT_BYTES,
        stopped=uploads.stopped_at(request) is not None,
    )
    if posted and form.is_valid():
        job = jobs.queue_import(
            community=community,
            upload=form.cleaned_data["file"],
            language=form.cleaned_data["language"],
            actor=request.user,
        )
        return redirect("communities:import-job", slug=community.slug, job_id=job.pk)
    return render(
        request,
        "communities/import.html",
        {"community": community, "form": form, "jobs": recent_import_jobs(community)},
        status=400 if form.errors else 200,
    )


@permission_required("communities.import_hsds", community_at)
@require_GET
def import_job(request: HttpRequest, community: Community, job_id: Any) -> HttpResponse:
    """How far the import has got (htmx asks every second; without script the page reloads itself), then its
    problems or what it changed, as the upload page showed them when imports ran in the request."""
    job = import_job_at(community, job_id)
    if request.htmx and job.finished:
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # the finished page is a page of its own: load it whole
        return response
    context = {
        "community": community,
        "job": job,
        "poll": reverse("communities:import-job", args=[community.slug, job.pk]),
    }
    if request.htmx:
        return render(request, "communities/_import_progress.html", context)
    result = import_job_result(job)
    status = 200
    if result is not None and not result.ok:
        status = 409 if job.result.get("busy") else 422
    return render(
        request,
        "communities/import_job.html",
        {
            **context,
            "result": result,
            "filename": job.filename,
            "form": ImportForm(max_bytes=settings.CAREPATH_MAX_IMPORT_BYTES),
        },
        status=status,
    )


EXPORTS = {  # format: how it is written, file extension, content type
    "json": (exports.json_chunks, "json", "application/json"),
    "ndjson": (exports.ndjson_chunks, "ndjson", "application/x-ndjson"),
    "zip": (exports.zip_chunks, "zip", "application/zip"),
}


@permission_required("communities.view_community", community_at)
@require_GET
def export(request: HttpRequest, community: Community, fmt: str) -> HttpResponse:
    """The inventory as HSDS JSON (``?format=ndjson``: one service per line) or a zipped CSV data package."""
    language = request.GET.get("language") or get_language() or "en"
    language = language if language in ("en", "fr") else "en"
    if fmt == "json":
        fmt = request.GET.get("format") or "json"
        if fmt not in ("json", "ndjson"):
            return HttpResponseBadRequest(
                _("format must be json or ndjson; found %(value)s.") % {"value": fmt[:40]},
                content_type="text/plain; charset=utf-8",
            )
    chunks, extension, content_type = EXPORTS[fmt]
    response = StreamingHttpResponse(
        chunks(
            community=community,
            language=language,
            published_only=not request.user.has_perm("communities.view_unpublished", community),
        ),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{community.slug}-hsds-{language}.{extension}"'
    return response
