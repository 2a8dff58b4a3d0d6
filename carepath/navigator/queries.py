"""Reads for the navigator: which community, its published pathway and services, and the plan."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connections, router
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from carepath import i18n, links, versions
from carepath.communities.models import Community, InventoryEntry
from carepath.directory import hours, reach
from carepath.directory.models import (
    Accessibility,
    Address,
    Contact,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
)
from carepath.directory.queries import service_key
from carepath.i18n import language_label
from carepath.pathways.models import PathwayVersion

from . import engine, present, snapshots
from .models import SavedPlan, token_hash


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


def community_and_tokens(slug: str | None) -> tuple[Community, tuple[str, str] | None] | Problem:
    """The community asked for (as ``community_for``) and, when named, its tokens (``versions.tokens``), in one
    query written out: every match asks for both, and two queries through the ORM cost a third of the plan."""
    if slug is None:
        found = community_for(None)
        return found if isinstance(found, Problem) else (found, None)
    return community_with_tokens(slug)


def community_with_tokens(slug: str) -> tuple[Community, tuple[str, str]] | Problem:
    """The community with this slug and its tokens, in one query."""
    connection = connections[router.db_for_read(Community)]
    fields = Community._meta.concrete_fields
    table = connection.ops.quote_name(Community._meta.db_table)
    columns, joins, params = versions.joined(table, connection.ops.quote_name(Community._meta.pk.column))
    listed = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in fields)
    sql = f"SELECT {listed}, {columns} FROM {table} {joins} WHERE {table}.{connection.ops.quote_name('slug')} = %s"  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, slug])
        row = cursor.fetchone()
    if row is None:
        return Problem(_("There is no community %(slug)s.") % {"slug": slug}, 404)
    *values, shared, own, pathway = row
    community = Community.from_db(connection.alias, [f.attname for f in fields], values)
    return community, (versions.directory_token(shared, own), pathway or "")


def plan(
    community: Community,
    answers: engine.Request,
    per_step: int = engine.PER_STEP,
    directory: engine.Directory | None = None,
    tokens: tuple[str, str] | None = None,
) -> tuple[PathwayVersion, engine.Plan] | Problem:
    """The plan for these answers along the community's published pathway, with the community's tokens (read
    here unless given)."""
    services, pathway_token = tokens or versions.tokens(community.pk)
    found = snapshots.published(community, pathway_token)
    if found is None:
        return Problem(_("%(community)s has no published pathway yet.") % {"community": community.name}, 404)
    version, pathway = found
    if directory is None:
        directory = snapshots.directory(community, services)
    return version, engine.plan(pathway, directory, answers, per_step)


def plan_json(
    community: Community, tokens: tuple[str, str] | None, answers: engine.Request
) -> dict[str, Any] | Problem:
    found = plan(community, answers, tokens=tokens)
    if isinstance(found, Problem):
        return found
    version, result = found
    return present.as_json(
        result, community.slug, str(version.pathway_id), version.number, contacts(present.contact_ids(result))
    )


def contacts(ids: list[str]) -> dict[str, present.Contact]:
    """How to reach each service: its first number to call, its first to text (``reach.phone_line`` says
    which; fax lines are neither), its web site (http and https only), in the active language.

    One query written out, not through the ORM: every match asks it, and building and reading the ORM's two
    queries cost as much as the engine's whole plan."""
    if not ids:
        return {}
    connection = connections[router.db_for_read(Phone)]
    key, name = Service._meta.pk, connection.ops.quote_name
    params = [key.get_db_prep_value(uuid.UUID(service_id), connection) for service_id in ids]
    service, phone = name(Service._meta.db_table), name(Phone._meta.db_table)
    columns = ", ".join(
        f"p.{name(c)}" for c in ("number", "type", "extension", "description_en", "description_fr")
    )
    sql = (
        f"SELECT s.id, s.url, {columns} FROM {service} s LEFT JOIN {phone} p ON p.service_id = s.id "  # noqa: S608
        f"WHERE s.id IN ({', '.join(['%s'] * len(params))}) ORDER BY s.id, p.number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    language = i18n.language()
    voice: dict[str, str] = {}
    texts: dict[str, str] = {}
    sites: dict[str, str] = {}
    for pk, url, number, kind, extension, description_en, description_fr in rows:
        service_id = service_key(str(pk))
        sites[service_id] = url or ""
        if number is None:
            continue
        said = (description_fr if language == "fr" else None) or description_en or description_fr or ""
        line = reach.phone_line(number, phone_type=kind, extension=extension, description=said)
        if line.tel:
            voice.setdefault(service_id, line.number)
        if line.sms:
            texts.setdefault(service_id, line.number)
    return {
        service_id: present.Contact(
            phone=voice.get(service_id, ""),
            sms=texts.get(service_id, ""),
            url=site if (site := sites.get(service_id, "")) and links.is_safe(site) else "",
        )
        for service_id in ids
    }


@dataclass(frozen=True)
class AccessNote:
    """An HSDS accessibility note of a place: what it says, more details, a link (shown through safe_href)."""

    description: str
    details: str = ""
    url: str = ""


@dataclass(frozen=True)
class Place:
    """Where a service is offered: the place's name, addresses in the page's language, OpenStreetMap's route
    planner to its map position (``directions``) or, without one, its search at the address (``map_search``),
    how to get there and accessibility notes."""

    name: str
    addresses: list[str] = field(default_factory=list)
    directions: str = ""
    map_search: str = ""
    transportation: str = ""
    accessibility: list[AccessNote] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """A form or document to send or bring, with its link when HSDS gives one."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class IntakeContact:
    """A person or desk to contact (HSDS contact): name, title, department, e-mail and numbers."""

    name: str = ""
    title: str = ""
    department: str = ""
    email: str = ""
    phones: list[reach.PhoneLine] = field(default_factory=list)


@dataclass
class ServiceDetails:
    """What a service card shows beyond the engine's facts: how to get in, how to reach them, when they are
    open and when the listing was last checked; in the page's language, at the moment it was read."""

    id: str
    description: str = ""
    eligibility: str = ""
    application_process: str = ""
    referral_notes: str = ""
    local_contact: str = ""
    phones: list[reach.PhoneLine] = field(default_factory=list)
    email: str = ""
    website: str = ""
    languages: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    fees: str = ""
    ages: tuple[float | None, float | None] = (None, None)
    hours: tuple[str, ...] = ()
    open_now: hours.OpenNow | None = None
    checked: str = ""  # the date the listing was last checked, in words ("15 September 2026"); "" unknown
    contacts: list[IntakeContact] = field(default_factory=list)

    @property
    def call(self) -> reach.PhoneLine | None:
        """The number to show as the card's button: the first one can call, else the first one can text."""
        return next((p for p in self.phones if p.tel), None) or next((p for p in self.phones if p.sms), None)

    @property
    def faxes(self) -> list[reach.PhoneLine]:
        return [p for p in self.phones if p.kind == "fax"]


def _phone(phone: Phone) -> reach.PhoneLine:
    return reach.phone_line(
        phone.number or "",
        phone_type=phone.type,
        extension=phone.extension,
        description=phone.description or "",
    )


def _phones(groups: list[list[Phone]]) -> list[reach.PhoneLine]:
    """The numbers of the first group that has any (the service's own, else its places'), each once."""
    out: list[reach.PhoneLine] = []
    seen = set()
    for group in groups:
        for line in map(_phone, group):
            key = (reach.dialable(line.number), line.extension, line.kind)
            if line.number and key not in seen:
                seen.add(key)
                out.append(line)
        if out:
            break
    return out


def _schedule(row: Schedule) -> hours.Schedule:
    return hours.Schedule(
        freq=row.freq,
        interval=row.interval,
        byday=row.byday,
        byweekno=row.byweekno,
        bymonthday=row.bymonthday,
        byyearday=row.byyearday,
        count=row.count,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        dtstart=row.dtstart,
        until=row.until,
        description=row.description or "",
        notes=row.notes or "",
    )


def _checked(service: Service, language: str) -> str:
    """When the listing was last checked: HSDS ``assured_date``, else when the record last changed."""
    day: datetime.date | None = None
    try:
        day = datetime.date.fromisoformat((service.assured_date or "").strip()[:10])
    except ValueError:
        day = None
    if day is None and service.last_modified is not None:
        day = timezone.localtime(service.last_modified).date()
    return hours.long_date(day, language) if day is not None else ""


def _place(location: Location, language: str) -> Place:
    addresses = [
        reach.Address(
            address_1=a.address_1 or "",
            address_2=a.address_2 or "",
            city=a.city or "",
            state_province=a.state_province or "",
            postal_code=a.postal_code or "",
            country=a.country or "",
        )
        for a in location.addresses.all()
        if a.address_type != "postal"
    ]
    virtual = location.location_type == Location.Type.VIRTUAL
    route = "" if virtual else reach.directions_url(location.latitude, location.longitude)
    search = "" if virtual or route else reach.directions(None, None, addresses)
    return Place(
        name=location.name or "",
        addresses=[text for text in (a.text(language) for a in addresses) if text],
        directions=route,
        map_search=search,
        transportation=location.transportation or "",
        accessibility=[
            AccessNote(description=a.description or "", details=a.details or "", url=a.url or "")
            for a in location.accessibility.all()
            if a.description or a.details or a.url
        ],
    )


def service_details(
    community: Community, ids: list[str], *, now: datetime.datetime | None = None
) -> dict[str, ServiceDetails]:
    """Details of the services on a plan, in the active language, open-now at ``now`` (this moment when
    left out); the same handful of queries whatever the count."""
    if not ids:
        return {}
    language = i18n.language()
    moment = now or timezone.now()
    notes = {
        str(service_id): (notes or "", contact or "")
        for service_id, notes, contact in InventoryEntry.objects.filter(
            community=community, service_id__in=ids
        ).values_list("service_id", "referral_notes", "local_contact")
    }
    by_number = Phone.objects.order_by("number", "id")
    services = Service.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("phones", queryset=by_number),
        Prefetch("languages", queryset=Language.objects.order_by("code")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch("required_documents", queryset=RequiredDocument.objects.order_by("id")),
        Prefetch(
            "contacts",
            queryset=Contact.objects.order_by("id").prefetch_related(Prefetch("phones", queryset=by_number)),
        ),
        "service_areas",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.order_by("id")
            .select_related("location")
            .prefetch_related(
                Prefetch("phones", queryset=by_number),
                Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
                Prefetch("location__addresses", queryset=Address.objects.order_by("id")),
                Prefetch("location__accessibility", queryset=Accessibility.objects.order_by("id")),
                Prefetch("location__phones", queryset=by_number),
                Prefetch("location__schedules", queryset=Schedule.objects.order_by("id")),
            ),
        ),
    )
    out = {}
    for service in services:
        key = str(service.pk)
        referral, contact = notes.get(key, ("", ""))
        sals = [sal for sal in service.service_at_locations.all() if sal.location is not None]
        own = [*service.schedules.all(), *(s for sal in sals for s in sal.schedules.all())]
        schedules = own or [s for sal in sals for s in sal.location.schedules.all()]
        found_hours = hours.describe(
            [_schedule(row) for row in schedules], moment, language, zone=settings.TIME_ZONE
        )
        out[key] = ServiceDetails(
            id=key,
            description=service.description or "",
            eligibility=service.eligibility_description or "",
            application_process=service.application_process or "",
            referral_notes=referral,
            local_contact=contact,
            phones=_phones(
                [
                    [*service.phones.all(), *(p for sal in sals for p in sal.phones.all())],
                    [p for sal in sals for p in sal.location.phones.all()],
                ]
            ),
            email=service.email or "",
            website=service.url or "",
            languages=[language_label(item.code) for item in service.languages.all() if item.code],
            documents=[
                Document(name=d.document or d.uri or "", url=d.uri or "")
                for d in service.required_documents.all()
                if d.document or d.uri
            ],
            places=[_place(sal.location, language) for sal in sals],
            areas=[
                a.name or a.description or "" for a in service.service_areas.all() if a.name or a.description
            ],
            fees=service.fees_description or "",
            ages=(service.minimum_age, service.maximum_age),
            hours=found_hours.lines,
            open_now=found_hours.open_now,
            checked=_checked(service, language),
            contacts=[
                IntakeContact(
                    name=c.name or "",
                    title=c.title or "",
                    department=c.department or "",
                    email=c.email or "",
                    phones=_phones([list(c.phones.all())]),
                )
                for c in service.contacts.all()
                if c.name or c.title or c.department or c.email
            ],
        )
    return out


CRISIS_CANDIDATES = 12  # crisis services weighed for the question page's box, of the thousands a province has


def crisis_ids(directory: engine.Directory, limit: int = CRISIS_CANDIDATES) -> list[str]:
    """A few of the community's active crisis services for a family the navigator knows nothing of yet, best
    first: lines anyone can reach (by phone or video, open to every family, every age under 6), then the rest;
    by name within each. At most ``limit``: the page weighs them by their hours (``crisis_box``)."""
    mask = directory.masks.get(("type", "crisis-support"))
    if mask is None:
        return []
    d = directory
    restricted = np.zeros(d.size, dtype=bool)
    for (kind, _code), members in d.masks.items():
        if kind == "only":
            restricted |= members
    all_ages = (d.min_months <= 0) & (d.max_months >= 72)
    reachable = d.phone_or_video & ~restricted
    chosen: list[int] = []
    for tier in (mask & reachable & all_ages, mask & reachable & ~all_ages, mask & ~reachable):
        chosen.extend(int(i) for i in np.flatnonzero(tier)[: limit - len(chosen)])  # the directory is by name
        if len(chosen) == limit:
            break
    return [d.services[i].id for i in chosen]


def crisis_box(
    community: Community, directory: engine.Directory, shown: int = 3
) -> list[tuple[str, ServiceDetails | None]]:
    """The question page's crisis services: of ``crisis_ids``, those open now and around the clock first, then
    those open now, then the rest; ``shown`` of them, with their details (the same queries whatever the
    directory's size)."""
    ids = crisis_ids(directory)
    details = service_details(community, ids)

    def rank(service_id: str) -> int:
        now = getattr(details.get(service_id), "open_now", None)
        if now is not None and now.open:
            return 0 if now.change_in is None else 1
        return 2

    return [(service_id, details.get(service_id)) for service_id in sorted(ids, key=rank)[:shown]]


def saved_plan(token: str) -> SavedPlan | None:
    """The saved plan of a link, if it exists and has not expired."""
    return (
        SavedPlan.objects.filter(key=token_hash(token), expires_at__gt=timezone.now())
        .select_related("community")
        .first()
    )
