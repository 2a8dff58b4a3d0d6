"""The review round: open a review with private links, comment on steps, answer and resolve, approve; compare versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carepath import tokens
from carepath.accounts.access import permission_required, require
from carepath.communities.models import Community
from carepath.communities.queries import community_at

from .. import present, queries, services
from ..forms import (
    AnswerForm,
    ApprovalForm,
    CommentForm,
    InviteeFormSet,
    MemberInviteForm,
    ReviewForm,
    check_invitees,
)
from ..models import Comment, Invitation, PathwayVersion, Review


def _version(community: Community, number: int) -> PathwayVersion:
    return get_object_or_404(
        PathwayVersion.objects.select_related("pathway__community"),
        pathway__community=community,
        number=number,
    )


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("review-public", kwargs={"token": token}))


def _send_link(community: Community, review: Review, invitation: Invitation, link: str) -> None:
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


def _review_page(
    request: HttpRequest,
    community: Community,
    version: PathwayVersion,
    current: Review,
    links: dict[int, str] | None = None,
) -> HttpResponse:
    """The facilitator's page of a review. ``links`` are private links just made: the only time they can be
    shown, since only their hashes are kept."""
    can_answer = request.user.has_perm("pathways.publish_pathway", community)
    context = present.review_context(request, community, version, current)
    context.update(
        {
            "invitations": current.invitations.all(),
            "can_answer": can_answer,
            "links": (links or {}) if can_answer else {},
        }
    )
    response = render(request, "pathways/review.html", context)
    if links:
        add_never_cache_headers(response)  # a page with working links is kept by no cache and no history
    return response


@permission_required("pathways.publish_pathway", community_at)
@require_http_methods(["GET", "POST"])
def open_review(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _version(community, number)
    if version.status == PathwayVersion.Status.IN_REVIEW:  # opened already, say the page was sent again
        messages.info(
            request,
            _(
                "This version is already in review. Its private links were shown when the review was opened: give anyone who needs theirs a new link."
            ),
        )
        return redirect("pathways:review", slug=community.slug, number=number)
    if version.status != PathwayVersion.Status.DRAFT:
        raise Http404(_("Only a draft can be sent for review."))
    table = [m.user for m in community.memberships.select_related("user").order_by("user__username")]
    if request.method == "POST" and "more" in request.POST:  # More rows: the form again, three rows longer
        data = request.POST
        total = data.get("invitees-TOTAL_FORMS", "")
        typed = [
            {key: data.get(f"invitees-{i}-{key}", "") for key in ("name", "email", "role")}
            for i in range(min(int(total), 200) if total.isdigit() else 0)
        ]
        rows = [row for row in typed if row["name"].strip()]
        return _open_form(
            request,
            community,
            version,
            ReviewForm(initial={"deadline": data.get("deadline"), "message": data.get("message")}),
            MemberInviteForm(initial=data.dict(), members=table),
            InviteeFormSet(initial=rows, prefix="invitees"),
            focus=len(rows),
        )
    form = ReviewForm(request.POST or None)
    members = MemberInviteForm(request.POST or None, members=table)
    invitees = InviteeFormSet(request.POST or None, prefix="invitees")
    valid = request.method == "POST" and all([form.is_valid(), members.is_valid(), invitees.is_valid()])
    people = (members.invitees() + [f.cleaned_data for f in invitees if f.cleaned_data]) if valid else []
    problem = check_invitees(people) if valid else None
    if problem:
        form.add_error(None, problem)
    if valid and not problem:
        review = services.open_review(
            version=version,
            deadline=form.cleaned_data["deadline"],
            message=form.cleaned_data["message"],
            invitees=people,
            actor=request.user,
        )
        links = {pk: _link(request, token) for pk, token in review.tokens.items()}
        for invitation in review.invitations.exclude(email=""):
            _send_link(community, review, invitation, links[invitation.pk])
        messages.success(
            request,
            _(
                "The review is open. Each private link is shown only this once: copy it now and share it with the person it names (those with an e-mail address were sent theirs)."
            ),
        )
        return _review_page(request, community, version, review, links)
    return _open_form(request, community, version, form, members, invitees)


def _open_form(
    request: HttpRequest,
    community: Community,
    version: PathwayVersion,
    form: ReviewForm,
    members: MemberInviteForm,
    invitees: Any,
    focus: int | None = None,
) -> HttpResponse:
    """The form that opens a review; ``focus``: the first of the rows just added (*More rows*)."""
    return render(
        request,
        "pathways/review_open.html",
        {
            "community": community,
            "version": version,
            "form": form,
            "members": members,
            "invitees": invitees,
            "focus": focus,
        },
        status=400 if request.method == "POST" and focus is None else 200,
    )


@permission_required("communities.view_unpublished", community_at)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _version(community, number)
    current = version.reviews.first()
    if current is None:
        raise Http404(_("This version has no review."))
    if request.method == "POST":
        require(request, "pathways.publish_pathway", community)  # answering comments is the facilitators'
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
    return _review_page(request, community, version, current)


@permission_required("pathways.publish_pathway", community_at)
@require_POST
def new_link(request: HttpRequest, community: Community, number: int, pk: int) -> HttpResponse:
    """Replace an invitation's private link: the old one stops working, the new one is shown once (and
    e-mailed when the invitation has an address)."""
    version = _version(community, number)
    current = version.reviews.first()
    if current is None:
        raise Http404(_("This version has no review."))
    invitation = get_object_or_404(Invitation, review=current, pk=pk)
    try:
        token = services.new_link(invitation=invitation, actor=request.user)
    except services.NotEditableError as refused:
        messages.error(request, str(refused))
        return redirect("pathways:review", slug=community.slug, number=number)
    link = _link(request, token)
    if invitation.email:
        _send_link(community, current, invitation, link)
        messages.success(
            request,
            _(
                "%(name)s has a new private link, shown only this once and e-mailed to %(email)s. The old link no longer works."
            )
            % {"name": invitation.name, "email": invitation.email},
        )
    else:
        messages.success(
            request,
            _(
                "%(name)s has a new private link, shown only this once: copy it now. The old link no longer works."
            )
            % {"name": invitation.name},
        )
    return _review_page(request, community, version, current, {invitation.pk: link})


def _ended(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    """A link that shows nothing: its review has ended (410), or it is unknown or was replaced (404)."""
    context: dict[str, Any] = {"invitation": invitation}
    if invitation is not None:
        version = invitation.review.version
        community = version.pathway.community
        context.update(
            {
                "community": community,
                "published": version.status == PathwayVersion.Status.PUBLISHED,
                "member": request.user.has_perm("communities.view_unpublished", community),
                "version": version,
            }
        )
    response = render(
        request, "pathways/review_ended.html", context, status=404 if invitation is None else 410
    )
    add_never_cache_headers(response)
    return response


def _commentable(plan: Any, data: dict[str, str]) -> bool:
    """A comment on the pathway as a whole, on one of its steps, or on a transition out of that step."""
    if not data["step"]:
        return not data["about"]
    step = plan.step(data["step"])
    return step is not None and (not data["about"] or any(t.to == data["about"] for t in step.transitions))


def _anchor(step_key: str) -> str:
    return f"step-{step_key}" if step_key else "general-comments"


@require_http_methods(["GET", "POST"])
def review_public(request: HttpRequest, token: str) -> HttpResponse:
    invitation = (
        Invitation.objects.select_related("review__version__pathway__community")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )
    if invitation is None or not invitation.review.open:
        return _ended(request, invitation)
    current: Review = invitation.review
    version = current.version
    community = version.pathway.community
    accepts = current.accepts_comments()
    comment_form = CommentForm(request.POST if "text" in request.POST else None)
    approval_form = ApprovalForm(request.POST if "approve" in request.POST else None)
    if request.method == "POST" and not accepts:
        messages.error(
            request, _("The deadline for this review has passed: it takes no more comments or approvals.")
        )
        return redirect(request.path)
    if request.method == "POST":
        plan = queries.graph_of(version)
        if (
            "text" in request.POST
            and comment_form.is_valid()
            and _commentable(plan, comment_form.cleaned_data)
        ):
            try:
                services.comment(
                    review=current,
                    invitation=invitation,
                    author=invitation.name,
                    step_key=comment_form.cleaned_data["step"],
                    to_key=comment_form.cleaned_data["about"],
                    text=comment_form.cleaned_data["text"],
                )
            # The deadline passed, or the review closed, just now.
            except services.NotEditableError as refused:
                messages.error(request, str(refused))
                return redirect(request.path)
            messages.success(request, _("Thank you: your comment was saved."))
            return redirect(f"{request.path}#{_anchor(comment_form.cleaned_data['step'])}")
        if "text" in request.POST:  # an empty comment, or one about what the draft does not have
            messages.error(
                request,
                _(
                    "The comment was not saved: write it in the box, about a step or a way on that the draft has."
                ),
            )
        if "approve" in request.POST and approval_form.is_valid():
            try:
                services.approve(invitation=invitation, note=approval_form.cleaned_data["note"])
            except services.NotEditableError as refused:
                messages.error(request, str(refused))
                return redirect(request.path)
            messages.success(request, _("Thank you: your approval was recorded."))
            return redirect(request.path)
    context = present.review_context(request, community, version, current)
    context.update(
        {
            "invitation": invitation,
            "accepts": accepts,
            "comment_form": comment_form,
            "approval_form": approval_form,
            "can_edit": False,
            "can_publish": False,
        }
    )
    response = render(
        request, "pathways/review_public.html", context, status=400 if request.method == "POST" else 200
    )
    add_never_cache_headers(response)
    return response
