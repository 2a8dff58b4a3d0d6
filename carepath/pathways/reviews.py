"""The review round: open a review with private links, comment on steps, answer and resolve, approve; compare versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carepath.communities.models import Community
from carepath.communities.views import community_permission

from . import graph, services
from .forms import AnswerForm, ApprovalForm, CommentForm, InviteeFormSet, ReviewForm
from .models import Comment, Invitation, PathwayVersion, Review
from .views import _context


def _version(community: Community, number: int) -> PathwayVersion:
    return get_object_or_404(
        PathwayVersion.objects.select_related("pathway__community"),
        pathway__community=community,
        number=number,
    )


@community_permission("pathways.publish_pathway")
@require_http_methods(["GET", "POST"])
def open_review(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _version(community, number)
    if version.status != PathwayVersion.Status.DRAFT:
        raise Http404(_("Only a draft can be sent for review."))
    form = ReviewForm(request.POST or None)
    invitees = InviteeFormSet(request.POST or None, prefix="invitees")
    if request.method == "POST" and form.is_valid() and invitees.is_valid():
        people = [f.cleaned_data for f in invitees if f.cleaned_data]
        review = services.open_review(
            version=version,
            deadline=form.cleaned_data["deadline"],
            message=form.cleaned_data["message"],
            invitees=people,
            actor=request.user,
        )
        for invitation in review.invitations.exclude(email=""):
            link = request.build_absolute_uri(reverse("review-public", kwargs={"token": invitation.token}))
            send_mail(
                _("Carepath: your comments on the %(community)s pathway") % {"community": community.name},
                _(
                    "Hello %(name)s,\n\nPlease read the draft pathway and comment on its steps by %(deadline)s:\n%(link)s\n\n%(message)s"
                )
                % {
                    "name": invitation.name,
                    "deadline": review.deadline,
                    "link": link,
                    "message": review.message,
                },
                None,
                [invitation.email],
            )
        messages.success(request, _("The review is open. Share each private link with the person it names."))
        return redirect("pathways:review", slug=community.slug, number=number)
    return render(
        request,
        "pathways/review_open.html",
        {"community": community, "version": version, "form": form, "invitees": invitees},
        status=400 if request.method == "POST" else 200,
    )


@community_permission("communities.view_unpublished")
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _version(community, number)
    current = version.reviews.first()
    if current is None:
        raise Http404(_("This version has no review."))
    can_answer = request.user.has_perm("pathways.publish_pathway", community)
    if request.method == "POST":
        if not can_answer:
            return HttpResponse(status=403)
        item = get_object_or_404(Comment, review=current, pk=request.POST.get("comment"))
        form = AnswerForm(request.POST)
        if form.is_valid():
            services.answer(
                comment=item,
                text=form.cleaned_data["answer"],
                resolve=form.cleaned_data["resolve"],
                actor=request.user,
            )
            messages.success(request, _("The answer was saved."))
        return redirect("pathways:review", slug=community.slug, number=number)
    context = _context(request, community, version)
    comments = list(current.comments.all())
    for _stage, _name, steps in context["stages"]:
        for item in steps:
            item["comments"] = [c for c in comments if c.step_key == item["step"].key]
    context.update(
        {
            "review": current,
            "invitations": current.invitations.all(),
            "can_answer": can_answer,
            "open_comments": sum(1 for c in comments if c.resolved_at is None),
            "links": {
                i.pk: request.build_absolute_uri(reverse("review-public", kwargs={"token": i.token}))
                for i in current.invitations.all()
            }
            if can_answer
            else {},
        }
    )
    return render(request, "pathways/review.html", context)


@require_http_methods(["GET", "POST"])
def review_public(request: HttpRequest, token: str) -> HttpResponse:
    invitation = (
        Invitation.objects.select_related("review__version__pathway__community").filter(token=token).first()
    )
    if invitation is None:
        raise Http404(_("This review link is not valid."))
    current: Review = invitation.review
    version = current.version
    community = version.pathway.community
    comment_form = CommentForm(request.POST if "text" in request.POST else None)
    approval_form = ApprovalForm(request.POST if "approve" in request.POST else None)
    if request.method == "POST" and current.open:
        plan_keys = set(version.steps.values_list("key", flat=True))
        if (
            "text" in request.POST
            and comment_form.is_valid()
            and comment_form.cleaned_data["step"] in plan_keys
        ):
            services.comment(
                review=current,
                invitation=invitation,
                author=invitation.name,
                step_key=comment_form.cleaned_data["step"],
                text=comment_form.cleaned_data["text"],
            )
            messages.success(request, _("Thank you: your comment was saved."))
            return redirect(f"{request.path}#step-{comment_form.cleaned_data['step']}")
        if "approve" in request.POST and approval_form.is_valid():
            try:
                services.approve(invitation=invitation, note=approval_form.cleaned_data["note"])
            except services.NotEditable as refused:
                messages.error(request, str(refused))
                return redirect(request.path)
            messages.success(request, _("Thank you: your approval was recorded."))
            return redirect(request.path)
    context = _context(request, community, version)
    comments = list(current.comments.all())
    for _stage, _name, steps in context["stages"]:
        for item in steps:
            item["comments"] = [c for c in comments if c.step_key == item["step"].key]
    context.update(
        {
            "review": current,
            "invitation": invitation,
            "comment_form": comment_form,
            "approval_form": approval_form,
            "can_edit": False,
            "can_publish": False,
        }
    )
    return render(
        request, "pathways/review_public.html", context, status=400 if request.method == "POST" else 200
    )


def _visible(request: HttpRequest, community: Community, number: int) -> PathwayVersion:
    version = _version(community, number)
    if version.status in ("draft", "in-review") and not request.user.has_perm(
        "communities.view_unpublished", community
    ):
        raise Http404(_("This version is not public."))
    return version


@community_permission("communities.view_community")
def compare(request: HttpRequest, community: Community) -> HttpResponse:
    try:
        old = _visible(request, community, int(request.GET.get("from", "")))
        new = _visible(request, community, int(request.GET.get("to", "")))
    except ValueError:
        raise Http404(_("Choose two versions to compare.")) from None
    before, after = services.to_graph(old), services.to_graph(new)
    language = (request.LANGUAGE_CODE or "en")[:2]
    titles = {s.key: s.title.get(language) or s.title.get("en") for s in [*before.steps, *after.steps]}
    field_names = {
        "key": _("Key"),
        "stage": _("Stage"),
        "kind": _("Kind"),
        "entry": _("Way in"),
        "title": _("Title"),
        "text": _("What happens, for families"),
        "service_types": _("Service types"),
        "tiers": _("Tiers of care"),
        "concerns": _("Concerns"),
        "sectors": _("Sectors"),
        "age_months": _("Ages"),
        "target_days": _("Target days"),
        "links": _("Evidence and resources"),
        "transitions": _("Where it leads"),
    }
    changes: list[dict[str, Any]] = [
        {
            "key": c.key,
            "title": titles.get(c.key, c.key),
            "change": c.change,
            "fields": [field_names.get(f, f) for f in c.fields],
        }
        for c in graph.diff(before, after)
    ]
    return render(
        request,
        "pathways/compare.html",
        {
            "community": community,
            "old": old,
            "new": new,
            "changes": changes,
            "versions": old.pathway.versions.order_by("-number"),
        },
    )
