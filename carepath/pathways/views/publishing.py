"""Publishing a version: the page says where its review stands (complete and approved by whom, or what is missing)
and publishes it, or, for those who may, publishes it without review with the reason they give."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carepath.accounts.access import permission_required
from carepath.communities.models import Community
from carepath.communities.queries import community_at

from .. import present, queries, services, signoff
from ..forms import PublishWithoutReviewForm
from ..models import PathwayVersion

PUBLISHABLE = (PathwayVersion.Status.DRAFT, PathwayVersion.Status.IN_REVIEW)


def _page(
    request: HttpRequest,
    community: Community,
    version: PathwayVersion,
    form: PublishWithoutReviewForm,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    """The publish page: the checks' errors, where the review stands, and the forms that publish (re-shown
    with what was refused, and the reason as it was typed)."""
    state = queries.sign_off(version)
    context = {
        "community": community,
        "version": version,
        "state": state,
        "waiting": signoff.names(state.waiting),
        "approvals": present.approvals(state.approved),
        "findings": [f for f in present.findings(queries.graph_of(version)) if f["severity"] == "error"],
        "replaces": version.pathway.versions.published().first(),
        "may_skip_review": request.user.has_perm("pathways.publish_without_review", community),
        "form": form,
        "refused": refused,
    }
    return render(request, "pathways/publish.html", context, status=status)


@permission_required("pathways.publish_pathway", community_at)
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = get_object_or_404(
        PathwayVersion.objects.select_related("pathway__community"),
        pathway__community=community,
        number=number,
    )
    if version.status not in PUBLISHABLE:
        messages.error(request, _("Only a draft or a version in review can be published."))
        return redirect("pathways:version", slug=community.slug, number=number)
    skipping = "without_review" in request.POST
    form = PublishWithoutReviewForm(request.POST if skipping else None)
    if request.method == "GET":
        return _page(request, community, version, form)
    if skipping and not form.is_valid():
        return _page(request, community, version, form, status=400)
    try:
        services.publish(
            version=version,
            actor=request.user,
            without_review=form.cleaned_data["reason"] if skipping else None,
        )
    except services.NotEditableError as refused:  # published, or sent for review, since the page was read
        messages.error(request, str(refused))
        return redirect("pathways:version", slug=community.slug, number=number)
    except services.PublishReasonError as error:
        form.add_error(None, error)
        return _page(request, community, version, form, status=400)
    except services.NotFacilitatorError as refused:
        return _page(request, community, version, form, str(refused), status=403)
    except services.PublishBlockedError as blocked:
        message = _("Version %(number)s was not published: %(count)s errors must be fixed first.") % {
            "number": number,
            "count": len(blocked.findings),
        }
        return _page(request, community, version, form, message, status=409)
    except (services.NotReviewedError, services.AwaitingApprovalError) as refused:
        return _page(request, community, version, form, str(refused), status=409)
    messages.success(request, _("Version %(number)s is published.") % {"number": number})
    return redirect("pathways:detail", slug=community.slug)
