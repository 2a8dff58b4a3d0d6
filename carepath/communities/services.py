"""Writes to communities and their inventories; each is atomic and audit-logged."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from carepath import audit, children, concurrency, versions
from carepath.accounts.models import Actor
from carepath.directory import bulk
from carepath.directory import services as directory
from carepath.directory.models import Service
from carepath.directory.queries import parts_of
from carepath.errors import ServiceError

from . import queries
from .models import Community, InventoryEntry, ListingReport, Place

logger = logging.getLogger(__name__)

ENTRY_CHANGED = gettext_lazy(
    "Someone else changed how this community lists the service since you opened it: %(who)s, %(when)s."
)
ENTRY_REMOVED = gettext_lazy(
    "Someone else removed the service from this community's inventory since you opened it: %(who)s, %(when)s."
)
SETTINGS_CHANGED = gettext_lazy(
    "Someone else changed the community's settings since you opened them: %(who)s, %(when)s."
)


@transaction.atomic
def get_or_create_community(*, slug: str, name: str, actor: Actor = None, region: str = "") -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        community = Community(slug=slug, name_en=name, name_fr=name, region_en=region, region_fr=region)
        community.full_clean()
        community.save()
        audit.record(
            actor=actor, action="communities.create", target=community, community=community, slug=slug
        )
    return community


@transaction.atomic
def add_to_inventory(*, community: Community, service_ids: Iterable[Any], actor: Actor = None) -> int:
    """Add services to the inventory (published); those already in it are left as they are."""
    wanted = dict.fromkeys(str(pk) for pk in service_ids)
    entries = community.entries.all()
    if len(wanted) <= 500:  # else the community's whole inventory: an import can name 100,000 services
        entries = entries.filter(service_id__in=list(wanted))
    present = {str(pk) for pk in entries.values_list("service_id", flat=True)}
    missing = [pk for pk in wanted if pk not in present]
    if missing:
        # Straight to the database: a whole directory's import can add 100,000 entries at once.
        key = bulk.key_converter()
        now = bulk.moment_converter()(timezone.now().isoformat())
        user = audit.person(actor)
        bulk.insert_rows(
            InventoryEntry._meta.db_table,
            [
                "community_id",
                "service_id",
                "published",
                "referral_notes",
                "referral_notes_en",
                "referral_notes_fr",
                "local_contact",
                "added_by_id",
                "added_at",
                "updated_at",
            ],
            [
                (community.pk, key(pk), True, "", None, None, "", user.pk if user else None, now, now)
                for pk in missing
            ],
        )
    if missing:
        versions.bump_communities([community.pk])  # the rows above went in without signals
        audit.record(
            actor=actor,
            action="inventory.add",
            community=community,
            target_type="community",
            target_id=str(community.pk),
            services=len(missing),
        )
    return len(missing)


@transaction.atomic
def remove_from_inventory(*, entry: InventoryEntry, actor: Actor) -> None:
    audit.record(
        actor=actor,
        action="inventory.remove",
        target=entry,
        community=entry.community,
        service=str(entry.service_id),
    )
    entry.delete()


@transaction.atomic
def update_entry(
    *, entry: InventoryEntry, actor: Actor, revision: int | None = None, **values: Any
) -> InventoryEntry:
    """Change how the community lists a service; refused when the listing moved on since ``revision``."""
    entry = concurrency.lock(
        InventoryEntry.objects.select_related("community"),
        entry.pk,
        revision,
        changed=ENTRY_CHANGED,
        removed=ENTRY_REMOVED,
    )
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, values[name])
    if changed:
        entry.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=actor,
            action="inventory.update",
            target=entry,
            community=entry.community,
            fields=changed,
            revision=concurrency.bump(entry),
        )
    return entry


@transaction.atomic
def _set_places(*, community: Community, places: list[dict[str, Any]], actor: Actor = None) -> None:
    """Replace the community's places with the given ones (key, name {en, fr}, kind, latitude, longitude)."""
    keep = []
    for item in places:
        place, _ = Place.objects.update_or_create(
            community=community,
            key=item["key"],
            defaults={
                "name_en": item["name"]["en"],
                "name_fr": item["name"]["fr"],
                "kind": item.get("kind", "town"),
                "latitude": item["latitude"],
                "longitude": item["longitude"],
            },
        )
        keep.append(place.pk)
    community.places.exclude(pk__in=keep).delete()
    audit.record(
        actor=actor, action="communities.set_places", target=community, community=community, places=len(keep)
    )


@transaction.atomic
def save_community_description(*, description: dict[str, Any], actor: Actor = None) -> Community:
    """Create or update a community from its description (slug, name/region/description {en, fr}, places)."""

    def text(key: str, language: str) -> str:
        value = description.get(key) or {}
        return str(value.get(language) or value.get("en") or "") if isinstance(value, dict) else str(value)

    community = get_or_create_community(slug=description["slug"], name=text("name", "en"), actor=actor)
    values = {
        f"{key}_{lang}": text(key, lang) for key in ("name", "region", "description") for lang in ("en", "fr")
    }
    for name, value in values.items():
        setattr(community, name, value)
    community.full_clean()
    community.save()
    _set_places(community=community, places=description.get("places", []), actor=actor)
    return community


PLACE_FIELDS = ("key", "name_en", "name_fr", "kind", "latitude", "longitude")


@transaction.atomic
def save_settings(
    *,
    community_id: Any,
    revision: int | None,
    fields: dict[str, Any],
    places: list[dict[str, Any]],
    actor: Actor,
) -> Community:
    """Save a community's names, region and description, and add, change or remove its places
    (``{"id": None or one of its places, "delete": bool, "key": ..., "name_en": ..., ...}``). Refused when
    the settings moved on since ``revision`` (``concurrency.StaleEditError``)."""
    community = concurrency.lock(Community.objects.all(), community_id, revision, changed=SETTINGS_CHANGED)
    changed = sorted(name for name, value in fields.items() if getattr(community, name) != value)
    for name in changed:
        setattr(community, name, fields[name])
    community.full_clean()
    community.save()
    touched = sum(
        children.apply(
            own=community.places.all(),
            rows=places,
            fields=PLACE_FIELDS,
            new=lambda: Place(community=community),
            clean=True,
        )
    )
    audit.record(
        actor=actor,
        action="communities.update",
        target=community,
        community=community,
        fields=changed,
        places_changed=touched,
        revision=concurrency.bump(community),
    )
    return community


class NotKeptError(ServiceError):
    """A change to a service (or one of its places) that another community keeps."""

    def __init__(self, steward: Any, *, organization: bool = False) -> None:
        super().__init__(steward)
        self.steward = steward
        self.organization = organization  # the refused record is the organization chosen


class NotListedError(ServiceError):
    """A change to a service the community no longer lists (removed from its inventory since the form opened)."""


@transaction.atomic
def save_service(
    *,
    community: Community,
    service_id: Any,
    fields: dict[str, Any],
    terms: list[tuple[str, str | None]],
    languages: list[str],
    phones: list[dict[str, Any]],
    places: list[dict[str, Any]],
    removed_places: list[Any],
    entry: dict[str, Any],
    actor: Actor,
    revision: int | None = None,
    new_organization: str = "",
) -> Service:
    """Create a service in the community's inventory (``service_id`` None), or change one it keeps: its
    details, terms, languages, phones and places, and how the community lists it (``entry``). All or nothing;
    a service or place another community keeps is refused (``NotKeptError``), one the community no longer lists
    too (``NotListedError``), and so is a save from a form opened before the service or its listing last changed
    (``concurrency.StaleEditError``)."""
    listed = None
    if service_id is not None:
        listed = community.entries.select_related("service__steward").filter(service_id=service_id).first()
        if listed is None:
            raise NotListedError(service_id)
    try:
        saved = directory.save_service(
            service_id=service_id,
            revision=revision,
            steward=community,
            fields=fields,
            terms=terms,
            languages=languages,
            actor=actor,
            new_organization=new_organization,
        )
        directory.set_phones(service=saved, phones=phones, actor=actor)
        directory.save_places(service=saved, places=places, removed=removed_places, actor=actor)
    except directory.NotStewardError as error:
        raise NotKeptError(
            error.record.steward, organization=error.record._meta.model_name == "organization"
        ) from None
    if listed is None:
        add_to_inventory(community=community, service_ids=[saved.pk], actor=actor)
    # The service's revision covers the whole form: its listing changes only through this form (or, for a
    # service another community keeps, the listing form), and every save of it moves the service's revision.
    update_entry(entry=community.entries.get(service=saved), actor=actor, **entry)
    return saved


class NotListableError(ServiceError):
    """A service that cannot be listed here: its steward has not published it, or it is listed already."""


@transaction.atomic
def list_from_elsewhere(*, community: Community, service_id: Any, actor: Actor) -> InventoryEntry:
    """List in the community's inventory a service another community keeps and publishes; it stays theirs
    (this community adds its own referral notes and contact)."""
    service = Service.objects.filter(pk=service_id).exclude(steward_id=community.pk).first()
    published = service is not None and (
        InventoryEntry.objects.published().filter(community_id=service.steward_id, service=service).exists()
    )
    if not published or community.entries.filter(service_id=service_id).exists():
        raise NotListableError(service_id)
    add_to_inventory(community=community, service_ids=[service_id], actor=actor)
    return community.entries.get(service_id=service_id)


@transaction.atomic
def transfer_services(*, service_ids: list[Any], to: Community | None, actor: Actor) -> int:
    """Give services, with every record that is part of them, to another steward (a community, or the site
    with None). Site administrators do this, e.g. when another community takes a service over. Logged under
    the old and the new steward."""
    records = parts_of("service", service_ids)
    before = set(Service.objects.filter(pk__in=list(records["service"])).values_list("steward_id", flat=True))
    moved = directory.set_steward(records=records, steward=to)
    for steward_id in {*before, getattr(to, "pk", None)}:
        audit.record(
            actor=actor,
            action="directory.transfer_stewardship",
            community=Community.objects.filter(pk=steward_id).first() if steward_id else None,
            target_type="directory.service",
            target_id=str(service_ids[0])[:80] if len(service_ids) == 1 else f"{len(service_ids)} services",
            services=[str(pk) for pk in service_ids],
            to=to.slug if to else None,
            records=moved,
        )
    return moved


@transaction.atomic
def hand_over_records(*, community: Community, to: Community | None, actor: Actor) -> int:
    """Give every directory record a community keeps to another steward (before it closes, say)."""
    moved = directory.hand_over(from_steward=community, to_steward=to)
    for steward in {community, to}:
        audit.record(
            actor=actor,
            action="directory.hand_over",
            community=steward,
            target=community,
            to=to.slug if to else None,
            records=moved,
        )
    return moved


@transaction.atomic
def report_listing(
    *,
    service_id: Any,
    community: Community | None,
    kind: str,
    text: str,
    reply_email: str,
    language: str,
    base_url: str,
) -> ListingReport:
    """Keep a report that a service's listing is wrong, for the community that keeps the service (its
    steward; none: the site), and e-mail that community's facilitators (or the site administrators) once it
    is saved. ``community`` is where it was reported from; ``base_url`` (``https://host``) starts the link in
    the e-mail. The audit entry keeps neither the text nor the reporter's address."""
    service = Service.objects.select_related("steward").get(pk=service_id)
    report = ListingReport(
        service=service,
        service_name=service.name or str(service.pk),
        steward=service.steward,
        community=community,
        kind=kind,
        text=text,
        reply_email=reply_email,
        language=language,
    )
    report.full_clean(exclude=["service", "steward", "community"])
    report.save()
    audit.record(
        actor=None,
        action="listing.report",
        target=report,
        community=service.steward,
        service=str(service.pk),
        kind=kind,
        reported_from=community.slug if community else None,
        answer_wanted=bool(reply_email),
    )
    transaction.on_commit(lambda: _send_report(report_id=report.pk, base_url=base_url))
    return report


def _send_report(*, report_id: int, base_url: str) -> int:
    """E-mail a report to the people who keep the listing, each in their own language; returns how many
    e-mails went. A mail server that fails is logged, never the reporter's problem: the report is kept."""
    report = ListingReport.objects.select_related("steward").get(pk=report_id)
    messages = []
    for person in queries.report_recipients(report.steward):
        with translation.override(person.preferred_language or "en"):
            path = (
                reverse("communities:reports", kwargs={"slug": report.steward.slug})
                if report.steward is not None
                else reverse("communities:site-reports")
            )
            context = {"report": report, "link": base_url.rstrip("/") + path}
            subject = " ".join(render_to_string("communities/email/report_subject.txt", context).split())
            body = render_to_string("communities/email/report.txt", context)
        messages.append(
            EmailMessage(
                subject,
                body,
                None,
                [person.email],
                reply_to=[report.reply_email] if report.reply_email else None,
            )
        )
    if not messages:
        logger.warning("listing report %s: no one to send it to", report_id)
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except (smtplib.SMTPException, OSError):
        logger.exception("listing report %s: the e-mail could not be sent", report_id)
        return 0


class NoSuchReportError(ServiceError):
    """A report that is not there, or is about a listing the steward does not keep."""


@transaction.atomic
def resolve_report(*, report_id: Any, steward: Community | None, actor: Actor) -> ListingReport:
    """Mark a report about a listing ``steward`` keeps (None: the site) resolved; one it does not keep is
    refused (``NoSuchReportError``). Resolving a resolved report again changes nothing."""
    report = ListingReport.objects.select_for_update().kept_by(steward).filter(pk=report_id).first()
    if report is None:
        raise NoSuchReportError(report_id)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = audit.person(actor)
        report.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            actor=actor,
            action="listing.resolve_report",
            target=report,
            community=steward,
            service=str(report.service_id),
            kind=report.kind,
        )
    return report
