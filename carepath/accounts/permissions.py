"""Who may do what, declared once (django-rules predicates) and checked in every view and API endpoint."""

from __future__ import annotations

from typing import Any

import rules

from .models import Membership


def _membership(user: Any, community: Any) -> tuple[str, bool] | None:
    """The user's role at the community's table and whether they may edit its pathway (cached per user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or community is None:
        return None
    cache = user.__dict__.setdefault("_carepath_roles", {})
    if community.pk not in cache:
        cache[community.pk] = (
            Membership.objects.filter(user=user, community=community)
            .values_list("role", "can_edit_pathway")
            .first()
        )
    return cache[community.pk]


def _role(user: Any, community: Any) -> str | None:
    membership = _membership(user, community)
    return membership[0] if membership else None


@rules.predicate
def is_site_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


@rules.predicate
def is_staff(user: Any) -> bool:
    """Site administrators in the sense of the Django admin: they keep what the site keeps."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_reviewer)


@rules.predicate
def is_facilitator(user: Any, community: Any) -> bool:
    return _role(user, community) == Membership.Role.FACILITATOR


@rules.predicate
def is_member(user: Any, community: Any) -> bool:
    return _role(user, community) is not None


@rules.predicate
def edits_pathway(user: Any, community: Any) -> bool:
    membership = _membership(user, community)
    return bool(membership and membership[1])


rules.add_perm("communities.view_community", rules.always_allow)
rules.add_perm("communities.view_unpublished", is_site_admin | is_member)
rules.add_perm("communities.change_inventory", is_site_admin | is_facilitator)
rules.add_perm("communities.import_hsds", is_site_admin | is_facilitator)
rules.add_perm("communities.change_community", is_site_admin | is_facilitator)
rules.add_perm("communities.add_community", is_site_admin)
# Reports of problems with listings: the steward community's facilitators; those about what the site keeps, the
# site administrators (``communities.see_site_reports``, no community).
rules.add_perm("communities.see_reports", is_site_admin | is_facilitator)
rules.add_perm("communities.see_site_reports", is_staff)
rules.add_perm("pathways.change_pathway", is_site_admin | is_facilitator | edits_pathway)
rules.add_perm("pathways.publish_pathway", is_site_admin | is_facilitator)


def can_see_unpublished(user: Any, community: Any) -> bool:
    return bool(user.has_perm("communities.view_unpublished", community))


def can_change_inventory(user: Any, community: Any) -> bool:
    return bool(user.has_perm("communities.change_inventory", community))
