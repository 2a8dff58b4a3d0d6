"""Which communities' directories a write changes, so that only their navigator copies are rebuilt.

The navigator holds, per community, the services its inventory publishes with their organization's name,
languages, carepath attributes, locations' coordinates and service areas (``directory.queries.service_facts``).
A saved or deleted row of one of those tables bumps the tokens (``carepath.versions``) of the communities that
list the services it belongs to; rows of other tables (phones, schedules, addresses...) are read fresh on every
plan and bump nothing. Bulk writes send no signals: their callers bump (``bump_for_steward``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from carepath import versions
from carepath.directory.models import (
    Attribute,
    Language,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

from .models import InventoryEntry


def _listing(services: Any) -> set[int]:
    """The communities whose inventories hold any of these services (ids, or a query of ids)."""
    return set(
        InventoryEntry.objects.filter(service_id__in=services)
        .values_list("community_id", flat=True)
        .distinct()
    )


def communities_touched(instance: Any) -> set[int]:
    """The communities whose navigator copy a write of this row makes stale."""
    if isinstance(instance, InventoryEntry):
        return {instance.community_id}
    if isinstance(instance, Service):
        return _listing([instance.pk])
    if isinstance(instance, Organization):
        return _listing(Service.objects.filter(organization_id=instance.pk).values("id"))
    if isinstance(instance, Location):
        return _listing(ServiceAtLocation.objects.filter(location_id=instance.pk).values("service_id"))
    if isinstance(instance, Language | ServiceAtLocation | ServiceArea):
        return _listing([instance.service_id]) if instance.service_id else set()
    if isinstance(instance, Attribute):
        return (
            _listing([instance.link_id]) if instance.link_entity == "service" and instance.link_id else set()
        )
    return set()


def on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save``/``post_delete`` receiver for the tables the navigator's copies hold."""
    if not kwargs.get("raw", False):
        versions.bump_communities(communities_touched(instance))


WATCHED = (
    InventoryEntry,
    Service,
    Organization,
    Location,
    Language,
    ServiceAtLocation,
    ServiceArea,
    Attribute,
)


def connect() -> None:
    for model in WATCHED:
        uid = f"carepath-data-version-{model._meta.label_lower}"
        post_save.connect(on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(on_change, sender=model, dispatch_uid=f"{uid}-delete")


def bump_for_steward(steward: Any) -> None:
    """After a bulk write of records a steward keeps (an import): every community listing a service the
    steward keeps, or one at a place or of an organization it keeps. A site-wide write (no steward) makes
    every copy stale."""
    if steward is None:
        versions.bump()
        return
    touched = Q(service__steward_id=steward) | Q(service__organization__steward_id=steward)
    touched |= Q(service__service_at_locations__location__steward_id=steward)
    communities = InventoryEntry.objects.filter(touched).values_list("community_id", flat=True).distinct()
    versions.bump_communities({steward, *communities})
