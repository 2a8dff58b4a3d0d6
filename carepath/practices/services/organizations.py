"""Organizations of the registry and who belongs to them; site administrators write them in the Django admin,
which calls these functions so every change is audit-logged."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from carepath import audit
from carepath.accounts.models import Actor

from ..models import Organization, OrganizationMember

FIELDS = ("slug", "name_en", "name_fr", "kind", "indigenous_governed", "jurisdiction", "region", "website")


@transaction.atomic
def save_organization(*, actor: Actor, organization_id: int | None, data: dict[str, Any]) -> Organization:
    """Create an organization (``organization_id`` None) or change one, from cleaned data."""
    organization = (
        Organization()
        if organization_id is None
        else Organization.objects.select_for_update().get(pk=organization_id)
    )
    values = {name: value for name, value in data.items() if name in FIELDS}
    changed = sorted(name for name, value in values.items() if getattr(organization, name) != value)
    for name, value in values.items():
        setattr(organization, name, value)
    organization.save()
    audit.record(
        actor=actor,
        action="practices.save_organization",
        target=organization,
        created=organization_id is None,
        fields=changed,
    )
    return organization


@transaction.atomic
def save_member(
    *, actor: Actor, organization_id: int, member_id: int | None, user_id: int, role: str
) -> OrganizationMember:
    """Add a person to an organization (``member_id`` None) or change who a membership is for and their role."""
    organization = Organization.objects.select_for_update().get(pk=organization_id)
    member = (
        OrganizationMember(organization=organization)
        if member_id is None
        else OrganizationMember.objects.select_for_update().get(pk=member_id, organization=organization)
    )
    member.user_id = user_id
    member.role = role
    member.save()
    audit.record(
        actor=actor,
        action="practices.save_organization_member",
        target=organization,
        member=member.pk,
        user=member.user.username,
        role=role,
        created=member_id is None,
    )
    return member


@transaction.atomic
def remove_member(*, actor: Actor, member_id: int) -> None:
    member = OrganizationMember.objects.select_related("organization", "user").get(pk=member_id)
    audit.record(
        actor=actor,
        action="practices.remove_organization_member",
        target=member.organization,
        member=member.pk,
        user=member.user.username,
    )
    member.delete()
