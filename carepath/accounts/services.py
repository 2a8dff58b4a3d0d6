"""Writes to accounts and memberships; atomic and audit-logged."""

from typing import Any

from django.db import transaction

from carepath import audit

from .models import Actor, Membership, User


@transaction.atomic
def set_membership(*, user: User, community: Any, role: str, actor: Actor = None) -> Membership:
    membership, created = Membership.objects.update_or_create(
        user=user, community=community, defaults={"role": role}
    )
    audit.record(
        actor=actor,
        action="accounts.set_membership",
        target=membership,
        community=community,
        user=user.username,
        role=role,
        created=created,
    )
    return membership


@transaction.atomic
def ensure_demo_user(
    *, username: str, email: str, password: str, community: Any, role: str, site_admin: bool
) -> User:
    """A demo account with a known password (``load-demo --with-users``; never on a real site)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, email=email, password=password, is_superuser=site_admin, is_staff=site_admin
        )
    if role:
        set_membership(user=user, community=community, role=role)
    return user
