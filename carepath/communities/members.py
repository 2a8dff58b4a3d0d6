"""The people at a community's table: its facilitators add and remove members and say who may edit the
pathway (the accounts themselves are made by site administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carepath.accounts import services as accounts
from carepath.accounts.access import permission_required
from carepath.errors import ServiceError

from .forms import MemberAddForm, MemberForm
from .models import Community
from .queries import community_at

PERMISSION = "communities.manage_members"


def _page(
    request: HttpRequest, community: Community, add: MemberAddForm | None = None, status: int = 200
) -> HttpResponse:
    memberships = community.memberships.select_related("user").order_by("role", "user__username")
    rows = [
        (
            membership,
            MemberForm(
                initial={"role": membership.role, "can_edit_pathway": membership.can_edit_pathway},
                prefix=f"m{membership.pk}",
            ),
        )
        for membership in memberships
    ]
    context: dict[str, Any] = {
        "community": community,
        "rows": rows,
        "add": add or MemberAddForm(prefix="add"),
    }
    return render(request, "communities/members.html", context, status=status)


@permission_required(PERMISSION, community_at)
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, community: Community) -> HttpResponse:
    """The table's members, and the form that adds one."""
    if request.method != "POST":
        return _page(request, community)
    add = MemberAddForm(request.POST, prefix="add")
    if add.is_valid():
        try:
            membership = accounts.add_member(
                community=community,
                account=add.cleaned_data["account"],
                role=add.cleaned_data["role"],
                can_edit_pathway=add.cleaned_data["can_edit_pathway"],
                actor=request.user,
            )
        except ServiceError as refused:
            add.add_error("account", str(refused))
        else:
            messages.success(request, _("%(name)s joined the table.") % {"name": _name(membership)})
            return redirect("communities:members", slug=community.slug)
    return _page(request, community, add, status=400)


@permission_required(PERMISSION, community_at)
@require_POST
def member_change(request: HttpRequest, community: Community, membership_id: int) -> HttpResponse:
    form = MemberForm(request.POST, prefix=f"m{membership_id}")
    if not form.is_valid():
        messages.error(request, _("Choose a role in the list."))
        return redirect("communities:members", slug=community.slug)
    try:
        membership = accounts.change_member(
            community=community,
            membership_id=membership_id,
            role=form.cleaned_data["role"],
            can_edit_pathway=form.cleaned_data["can_edit_pathway"],
            actor=request.user,
        )
    except ServiceError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(name)s: saved.") % {"name": _name(membership)})
    return redirect("communities:members", slug=community.slug)


@permission_required(PERMISSION, community_at)
@require_POST
def member_remove(request: HttpRequest, community: Community, membership_id: int) -> HttpResponse:
    membership = community.memberships.select_related("user").filter(pk=membership_id).first()
    try:
        accounts.remove_member(community=community, membership_id=membership_id, actor=request.user)
    except ServiceError as refused:
        messages.error(request, str(refused))
        return redirect("communities:members", slug=community.slug)
    name = _name(membership) if membership is not None else ""
    messages.success(request, _("%(name)s left the table; their account stays.") % {"name": name})
    if membership is not None and membership.user_id == request.user.pk and not request.user.is_superuser:
        return redirect(
            community.get_absolute_url()
        )  # they took themselves off: this page is no longer theirs
    return redirect("communities:members", slug=community.slug)


def _name(membership: Any) -> str:
    return str(membership.user.get_full_name() or membership.user.username)
