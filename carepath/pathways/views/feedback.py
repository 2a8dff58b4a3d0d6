"""Readers' feedback on the published pathway: the form anyone sends (no account, rate-limited), the thank-you
page, and the page where the table's facilitators read it and say what they did."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carepath import concurrency, i18n, limits
from carepath.accounts.access import permission_required
from carepath.communities.models import Community
from carepath.communities.queries import community_at

from .. import queries
from ..forms import CloseFeedbackForm, FeedbackForm
from ..graph import in_language
from ..models import Feedback
from ..services import feedback as services

SHOWN_CLOSED = 20


@require_http_methods(["GET", "POST"])
@limits.limit("pathway-feedback", "CAREPATH_FEEDBACK_RATE")
@permission_required("communities.view_community", community_at)
def feedback(request: HttpRequest, community: Community) -> HttpResponse:
    version = queries.visible_versions(request.user, community).published().select_related("pathway").first()
    if version is None:
        raise Http404(_("This community has no published pathway yet."))
    plan = queries.graph_of(version)
    language = i18n.language()
    titles = {s.key: in_language(s.title, language, s.key) for s in plan.steps}
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        initial={"step": request.GET.get("step", "")},
        steps=list(titles.items()),
    )
    if request.method == "POST" and form.is_valid():
        step = form.cleaned_data["step"]
        services.send_feedback(
            version=version,
            step_key=step,
            step_title=titles.get(step, ""),
            text=form.cleaned_data["text"],
            reply_email=form.cleaned_data["reply_email"],
            language=language,
        )
        return redirect("pathways:feedback-thanks", slug=community.slug)
    return render(
        request,
        "pathways/feedback.html",
        {"community": community, "version": version, "form": form},
        status=400 if form.is_bound else 200,
    )


@permission_required("communities.view_community", community_at)
def feedback_thanks(request: HttpRequest, community: Community) -> HttpResponse:
    return render(request, "pathways/feedback_thanks.html", {"community": community})


@permission_required("pathways.read_feedback", community_at)
def feedback_list(request: HttpRequest, community: Community) -> HttpResponse:
    kept = Feedback.objects.filter(pathway__community=community).select_related("resolved_by")
    shown = [*kept.open(), *kept.resolved().order_by("-resolved_at", "-id")[:SHOWN_CLOSED]]
    for item in shown:
        item.sent = concurrency.moment(item.created_at)  # type: ignore[attr-defined]
        item.closed = concurrency.moment(item.resolved_at) if item.resolved_at else ""  # type: ignore[attr-defined]
    return render(
        request,
        "pathways/feedback_list.html",
        {"community": community, "items": shown, "open": kept.open().count()},
    )


@permission_required("pathways.read_feedback", community_at)
@require_POST
def feedback_close(request: HttpRequest, community: Community, feedback_id: int) -> HttpResponse:
    form = CloseFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the table did in 2,000 characters or fewer."))
        return redirect("pathways:feedback-list", slug=community.slug)
    try:
        services.close_feedback(
            community=community, feedback_id=feedback_id, note=form.cleaned_data["note"], actor=request.user
        )
    except services.NoSuchFeedbackError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The feedback is closed, with what the table did."))
    return redirect("pathways:feedback-list", slug=community.slug)
