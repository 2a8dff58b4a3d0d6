"""Reads for the navigator: which community, its published pathway and services, and the plan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from carepath import links
from carepath.communities.models import Community, InventoryEntry
from carepath.directory.models import Language, Phone, Service, ServiceAtLocation
from carepath.directory.services import language_label
from carepath.pathways.models import PathwayVersion

from . import engine, present, snapshots


@dataclass(frozen=True)
class Problem:
    message: str
    status: int


def with_pathways() -> list[Community]:
    """Communities with a published pathway, by name."""
    ids = PathwayVersion.objects.published().values("pathway__community")
    return list(Community.objects.filter(pk__in=ids).order_by("name"))


def community_for(slug: str | None) -> Community | Problem:
    """The community asked for; left out, the only one with a published pathway."""
    if slug is None:
        found = with_pathways()
        if len(found) == 1:
            return found[0]
        if not found:
            return Problem(_("No community has published its care pathway yet."), 404)
        return Problem(_("Say which community: %(list)s.") % {"list": ", ".join(c.slug for c in found)}, 400)
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        return Problem(_("There is no community %(slug)s.") % {"slug": slug}, 404)
    return community


def plan(
    community: Community,
    answers: engine.Request,
    per_step: int = engine.PER_STEP,
    directory: engine.Directory | None = None,
) -> tuple[PathwayVersion, engine.Plan] | Problem:
    found = snapshots.published(community)
    if found is None:
        return Problem(_("%(community)s has no published pathway yet.") % {"community": community.name}, 404)
    version, pathway = found
    return version, engine.plan(pathway, directory or snapshots.directory(community), answers, per_step)


def plan_json(community: Community, answers: engine.Request) -> dict[str, Any] | Problem:
    found = plan(community, answers)
    if isinstance(found, Problem):
        return found
    version, result = found
    return present.as_json(
        result, community.slug, str(version.pathway_id), version.number, contacts(present.contact_ids(result))
    )


TEXT_LINE = ("text", "sms")


def contacts(ids: list[str]) -> dict[str, present.Contact]:
    """How to reach each service: its first voice number (fax and pager left out), a text line, its web site
    (http and https only): two queries whatever the count."""
    if not ids:
        return {}
    voice: dict[str, str] = {}
    texts: dict[str, str] = {}
    phones = Phone.objects.filter(service_id__in=ids).order_by("service_id", "number")
    for service_id, number, kind, description in phones.values_list(
        "service_id", "number", "type", "description"
    ):
        key = str(service_id)
        kind = (kind or "").lower()
        if kind in TEXT_LINE or "text" in (description or "").lower() or "sms" in (description or "").lower():
            texts.setdefault(key, number)
        elif kind not in ("fax", "pager"):
            voice.setdefault(key, number)
    sites = dict(Service.objects.filter(pk__in=ids).values_list("id", "url"))
    return {
        service_id: present.Contact(
            phone=voice.get(service_id, ""),
            sms=texts.get(service_id, ""),
            url=site if (site := sites.get(uuid.UUID(service_id)) or "") and links.is_safe(site) else "",
        )
        for service_id in ids
    }


@dataclass
class ServiceDetails:
    """What a service card shows beyond the engine's facts: how to get in and how to reach them."""

    id: str
    description: str = ""
    eligibility: str = ""
    application_process: str = ""
    referral_notes: str = ""
    local_contact: str = ""
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number, description)
    email: str = ""
    website: str = ""
    languages: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    fees: str = ""
    ages: tuple[float | None, float | None] = (None, None)


def service_details(community: Community, ids: list[str]) -> dict[str, ServiceDetails]:
    """Details of the services on a plan, in the active language (a handful of queries whatever the count)."""
    if not ids:
        return {}
    notes = {
        str(service_id): (notes or "", contact or "")
        for service_id, notes, contact in InventoryEntry.objects.filter(
            community=community, service_id__in=ids
        ).values_list("service_id", "referral_notes", "local_contact")
    }
    services = Service.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("number")),
        Prefetch("languages", queryset=Language.objects.order_by("code")),
        "required_documents",
        "service_areas",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses"
            ),
        ),
    )
    out = {}
    for service in services:
        key = str(service.pk)
        referral, contact = notes.get(key, ("", ""))
        addresses = []
        for sal in service.service_at_locations.all():
            for address in sal.location.addresses.all():
                addresses.append(", ".join(p for p in (address.address_1, address.city) if p))
        out[key] = ServiceDetails(
            id=key,
            description=service.description or "",
            eligibility=service.eligibility_description or "",
            application_process=service.application_process or "",
            referral_notes=referral,
            local_contact=contact,
            phones=[(p.number, p.description or "") for p in service.phones.all()],
            email=service.email or "",
            website=service.url or "",
            languages=[language_label(item.code) for item in service.languages.all() if item.code],
            documents=[d.document for d in service.required_documents.all() if d.document],
            addresses=addresses,
            areas=[
                a.name or a.description or "" for a in service.service_areas.all() if a.name or a.description
            ],
            fees=service.fees_description or "",
            ages=(service.minimum_age, service.maximum_age),
        )
    return out


def crisis_ids(directory: engine.Directory) -> list[str]:
    """The active crisis services of a community's snapshot, by name."""
    mask = directory.masks.get(("type", "crisis-support"))
    if mask is None:
        return []
    return [directory.services[int(i)].id for i in mask.nonzero()[0]]
