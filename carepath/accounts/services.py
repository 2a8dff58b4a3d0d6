"""Writes to accounts and memberships; atomic and audit-logged."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from carepath import audit
from carepath.errors import ServiceError

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


# --- A table's members, managed by its facilitators -----------------------------------------------------------


class NoSuchAccountError(ServiceError):
    def __init__(self, given: str) -> None:
        super().__init__(
            _(
                "No account has the user name or e-mail address “%(given)s”. A site administrator creates "
                "accounts: ask one to create it, then add the person here."
            )
            % {"given": given}
        )


class SeveralAccountsError(ServiceError):
    def __init__(self, given: str) -> None:
        super().__init__(
            _("Several accounts share the e-mail address “%(given)s”: give the person's user name instead.")
            % {"given": given}
        )


class AlreadyMemberError(ServiceError):
    def __init__(self, name: str) -> None:
        super().__init__(
            _("%(name)s is already at this table: change their role in the list.") % {"name": name}
        )


class NotAtTableError(ServiceError):
    def __init__(self) -> None:
        super().__init__(_("This person is no longer at the table: someone removed them meanwhile."))


class LastFacilitatorError(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "A table keeps at least one facilitator: make another member a facilitator first, then change "
                "or remove this one."
            )
        )


def _account(given: str) -> User:
    """The active account with this user name, else this e-mail address (neither is case-sensitive here)."""
    by_name = User.objects.filter(username__iexact=given, is_active=True).first()
    if by_name is not None:
        return by_name
    by_email = list(User.objects.filter(email__iexact=given, is_active=True)[:2]) if "@" in given else []
    if len(by_email) > 1:
        raise SeveralAccountsError(given)
    if not by_email:
        raise NoSuchAccountError(given)
    return by_email[0]


@transaction.atomic
def add_member(
    *, community: Any, account: str, role: str, can_edit_pathway: bool, actor: Actor
) -> Membership:
    """Add the person with this user name or e-mail address to the community's table."""
    user = _account(account.strip())
    if Membership.objects.filter(user=user, community=community).exists():
        raise AlreadyMemberError(user.get_full_name() or user.username)
    membership = Membership.objects.create(
        user=user, community=community, role=role, can_edit_pathway=can_edit_pathway
    )
    _record(actor, "accounts.add_member", membership)
    return membership


def _locked(community: Any, membership_id: int) -> tuple[Membership, bool]:
    """This membership of the table, and whether another member is a facilitator; the table's memberships are
    locked, so that two facilitators cannot each remove the other."""
    memberships = {m.pk: m for m in Membership.objects.select_for_update().filter(community=community)}
    if membership_id not in memberships:
        raise NotAtTableError
    others = any(
        m.role == Membership.Role.FACILITATOR for pk, m in memberships.items() if pk != membership_id
    )
    return memberships[membership_id], others


@transaction.atomic
def change_member(
    *, community: Any, membership_id: int, role: str, can_edit_pathway: bool, actor: Actor
) -> Membership:
    """Change a member's role and whether they may edit the pathway; the last facilitator stays one."""
    membership, others = _locked(community, membership_id)
    if membership.role == Membership.Role.FACILITATOR and role != Membership.Role.FACILITATOR and not others:
        raise LastFacilitatorError
    membership.role, membership.can_edit_pathway = role, can_edit_pathway
    membership.save(update_fields=["role", "can_edit_pathway"])
    _record(actor, "accounts.change_member", membership)
    return membership


@transaction.atomic
def remove_member(*, community: Any, membership_id: int, actor: Actor) -> None:
    """Take a person off the table (their account stays); the last facilitator stays."""
    membership, others = _locked(community, membership_id)
    if membership.role == Membership.Role.FACILITATOR and not others:
        raise LastFacilitatorError
    _record(actor, "accounts.remove_member", membership)
    membership.delete()


def _record(actor: Actor, action: str, membership: Membership) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=membership,
        community=membership.community,
        user=membership.user.username,
        role=membership.role,
        can_edit_pathway=membership.can_edit_pathway,
    )
