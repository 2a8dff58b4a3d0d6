"""The predicates every app's rules are made of: who a person is on the site, in the working group and at a
community's table. Each app declares its own permissions from them in its ``rules.py``; views check them through
``carepath.accounts.access``."""

from __future__ import annotations

from typing import Any

import rules

from .models import Membership, User


def is_active(user: Any) -> bool:
    """Signed in with an account that is not switched off."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _membership(user: Any, community: Any) -> tuple[str, bool] | None:
    """The user's role at the community's table and whether they may edit its pathway (cached per user)."""
    if not is_active(user) or community is None:
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
    return is_active(user) and bool(user.is_superuser)


@rules.predicate
def is_staff(user: Any) -> bool:
    """Site administrators in the sense of the Django admin: they keep what the site keeps."""
    return is_active(user) and bool(user.is_staff)


@rules.predicate
def is_editor(user: Any) -> bool:
    """A working-group editor: runs the practice registry's workflow."""
    return is_active(user) and user.working_group_role == User.WorkingGroupRole.EDITOR


@rules.predicate
def is_facilitator(user: Any, community: Any) -> bool:
    return _role(user, community) == Membership.Role.FACILITATOR


@rules.predicate
def is_member(user: Any, community: Any) -> bool:
    """Any role at the community's table, facilitators included."""
    return _role(user, community) is not None


@rules.predicate
def edits_pathway(user: Any, community: Any) -> bool:
    membership = _membership(user, community)
    return bool(membership and membership[1])
