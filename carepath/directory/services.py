"""Writes to the directory: importing HSDS files (all or nothing, upsert by id) and editing services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from carepath import audit, children, concurrency, versions
from carepath.accounts.models import Actor
from carepath.errors import ServiceError
from carepath.i18n import language_name

from . import bulk, staging, vocabulary
from .hsds import reader
from .hsds.problems import Problem
from .hsds.spec import WRITE_ORDER
from .models import (
    HSDS_MODELS,
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
)
from .queries import BATCH
from .reading import Progress


@dataclass
class ImportResult:
    """What an import did, or every reason it did not."""

    problems: list[Problem]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> created / updated / unchanged
    left_out: dict[str, int] = field(default_factory=dict)  # severity -> problems counted but not listed
    service_ids: list[str] = field(default_factory=list)
    added_to_inventory: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems) and not self.left_out.get("error")

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.left_out.get("error", 0)

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.left_out.get("warning", 0)

    @property
    def not_listed(self) -> int:
        return sum(self.left_out.values())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def total(self, kind: str) -> int:
        return sum(count.get(kind, 0) for count in self.counts.values())

    @property
    def total_created(self) -> int:
        return self.total("created")

    @property
    def total_updated(self) -> int:
        return self.total("updated")

    @property
    def total_unchanged(self) -> int:
        return self.total("unchanged")

    def problem_rows(self) -> list[dict[str, Any]]:
        """Problems for a page, their messages in the active language."""
        return [
            {
                "severity": p.severity,
                "is_error": p.is_error,
                "where": p.place(),
                "field": p.field,
                "text": p.message(gettext),
            }
            for p in self.problems
        ]

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated") or self.added_to_inventory)


def write_dataset(
    data: reader.Dataset, *, language: str, steward: Any, progress: Progress | None = None
) -> tuple[dict[str, dict[str, int]], bulk.Stewardship]:
    """Upsert a checked file's records for ``steward`` (a community id, None for the site), inside the
    caller's transaction: the counts per table, and what the steward holds and was refused (records another
    steward keeps: then the caller must roll back)."""
    stewardship = bulk.Stewardship(steward)
    counts: dict[str, dict[str, int]] = {}
    spooled = data.spool.tables() if data.spool is not None else []
    for table in WRITE_ORDER:
        rows = data.records.get(table)
        if rows:
            counts[table] = bulk.upsert(
                bulk.plan(table, language), rows, data.given.get(table), stewardship=stewardship
            )
            if progress:
                progress(f"write {table}", len(rows), len(rows))
        elif table in spooled:
            counts[table] = _write_spooled(data, table, language, stewardship, progress)
    return counts, stewardship  # the bulk writes send no signals: the caller says whose copies are stale


def _write_spooled(
    data: reader.Dataset, table: str, language: str, stewardship: bulk.Stewardship, progress: Progress | None
) -> dict[str, int]:
    """A spooled CSV table: through a staging table on PostgreSQL, compared row by row elsewhere."""
    plan, given = bulk.plan(table, language), data.given.get(table, set())
    if connection.vendor != "postgresql":
        return bulk.upsert_chunks(
            plan, _spooled(data, table, stewardship, progress), given, stewardship=stewardship
        )
    refused = len(stewardship.refusals)
    counts = staging.upsert(
        plan, _spooled(data, table, stewardship, progress), given, stewardship=stewardship
    )
    ids = {r.record_id for r in stewardship.refusals[refused:]}
    for chunk in data.spool.chunks(table) if ids else ():
        for number, record in chunk:  # the refused records' rows, for their problems
            if record["id"] in ids:
                data.remember(table, record["id"], data.files.get(table, ""), number)
    return counts


def _spooled(
    data: reader.Dataset, table: str, stewardship: bulk.Stewardship, progress: Progress | None
) -> Iterator[dict[str, dict[str, Any]]]:
    """A spooled table's chunks for ``bulk.upsert_chunks``; refused records keep their row for the problem."""
    done, total = 0, data.spool.counts[table]
    for chunk in data.spool.chunks(table):
        refused = len(stewardship.refusals)
        yield {record["id"]: record for _, record in chunk}
        if len(stewardship.refusals) > refused:
            numbers = {record["id"]: number for number, record in chunk}
            for refusal in stewardship.refusals[refused:]:
                data.remember(table, refusal.record_id, data.files.get(table, ""), numbers[refusal.record_id])
        done += len(chunk)
        if progress:
            progress(f"write {table}", done, total)


# --- Editing one service ---------------------------------------------------------------------------------
# A community edits the services it keeps (their steward, an object the directory only stores: see
# models.py); a record another steward keeps is never changed here (``NotStewardError``).


class NotStewardError(ServiceError):
    """A write to a record that another steward keeps."""

    def __init__(self, record: Any) -> None:
        super().__init__(f"{record._meta.label_lower} {record.pk}")
        self.record = record


def _keeps(record: Any, steward: Any) -> bool:
    return bool(record.steward_id == getattr(steward, "pk", None))


SERVICE_CHANGED = gettext_lazy("Someone else changed this service since you opened it: %(who)s, %(when)s.")
SERVICE_REMOVED = gettext_lazy("Someone else removed this service since you opened it: %(who)s, %(when)s.")


@transaction.atomic
def save_service(
    *,
    service_id: Any,
    revision: int | None,
    steward: Any,
    fields: dict[str, Any],
    terms: list[tuple[str, str | None]],
    languages: list[str],
    actor: Actor,
    new_organization: str = "",
) -> Service:
    """Create (``service_id`` None) or change a service ``steward`` keeps, with its carepath terms and
    languages; stamps last_modified. ``new_organization`` names an organization to create (kept by
    ``steward``) when ``fields["organization"]`` is None. A service is part of its organization: moving it to an
    organization another steward keeps is refused (``NotStewardError``), and so is a change to a service that moved
    on since ``revision`` (a form opened before another save or an import: ``concurrency.StaleEditError``)."""
    if service_id is None:
        service = Service(steward=steward)
    else:
        service = concurrency.lock(
            Service.objects.all(), service_id, revision, changed=SERVICE_CHANGED, removed=SERVICE_REMOVED
        )
        if not _keeps(service, steward):
            raise NotStewardError(service)
    fields = dict(fields)
    if fields.get("organization") is None and new_organization.strip():
        name = new_organization.strip()
        fields["organization"] = Organization.objects.create(
            name_en=name, name_fr=name, description_en="", description_fr="", steward=steward
        )
    organization = fields.get("organization")
    if (
        organization is not None
        and organization.pk != service.organization_id
        and not _keeps(organization, steward)
    ):
        raise NotStewardError(organization)
    creating = service._state.adding
    changed = sorted(name for name, value in fields.items() if getattr(service, name) != value)
    for name, value in fields.items():
        setattr(service, name, value)
    service.last_modified = timezone.now()
    service.save()
    _set_terms(service=service, terms=terms)
    _set_languages(service=service, codes=languages)
    audit.record(
        actor=actor,
        action="directory.create_service" if creating else "directory.update_service",
        target=service,
        community=steward,
        revision=0 if creating else concurrency.bump(service),
        fields=changed,
        terms=[code for code, _ in terms],
        languages=languages,
    )
    return service


PHONE_FIELDS = ("number", "extension", "description_en", "description_fr")


@transaction.atomic
def set_phones(*, service: Service, phones: list[dict[str, Any]], actor: Actor) -> None:
    """Add, change and remove the service's own phones (``carepath.children``: ``{"id", "delete",
    "number", "extension", "description_en", "description_fr"}``)."""
    added, changed, removed = children.apply(
        own=Phone.objects.filter(service=service),
        rows=phones,
        fields=PHONE_FIELDS,
        new=lambda: Phone(service=service, steward_id=service.steward_id),
    )
    if added or changed or removed:
        audit.record(
            actor=actor,
            action="directory.set_phones",
            target=service,
            community=service.steward,
            added=added,
            changed=changed,
            removed=removed,
        )


PLACE_FIELDS = ("address_1", "city", "state_province", "postal_code", "country")


@transaction.atomic
def save_places(*, service: Service, places: list[dict[str, Any]], removed: list[Any], actor: Actor) -> None:
    """Make the service offered at these places (a location with one physical address each).

    A place the service is already offered at is changed in place when the service's steward keeps it; a place
    another steward keeps can be unlinked but not changed (``NotStewardError``). A ``location_id`` that is not one
    of the service's places is ignored: the place is added as a new one.
    """
    current = {
        sal.location_id: sal.location
        for sal in service.service_at_locations.select_related("location")
        if sal.location is not None
    }
    steward = service.steward
    kept = []
    for place in places:
        location = current.get(place.get("location_id"))
        if location is None:
            location = Location(
                organization_id=service.organization_id,
                location_type=Location.Type.PHYSICAL,
                steward=steward,
            )
        address = location.addresses.first() if location.pk else None
        wanted = {
            "name_en": place["name_en"],
            "name_fr": place.get("name_fr") or None,
            "latitude": place.get("latitude"),
            "longitude": place.get("longitude"),
        }
        if location.pk and not _keeps(location, steward):
            same = all(getattr(location, k) == v for k, v in wanted.items()) and all(
                address is not None and getattr(address, k) == place[k] for k in PLACE_FIELDS
            )
            if not same:
                raise NotStewardError(location)
            kept.append(location.pk)
            continue
        for key, value in wanted.items():
            setattr(location, key, value)
        location.save()
        address = address or Address(location=location, address_type=Address.Type.PHYSICAL, steward=steward)
        for key in PLACE_FIELDS:
            setattr(address, key, place[key])
        address.save()
        ServiceAtLocation.objects.get_or_create(
            service=service, location=location, defaults={"steward": steward}
        )
        kept.append(location.pk)
    ServiceAtLocation.objects.filter(service=service, location_id__in=removed).exclude(
        location_id__in=kept
    ).delete()
    audit.record(
        actor=actor,
        action="directory.save_places",
        target=service,
        community=steward,
        places=len(kept),
        removed=len(removed),
    )


def _set_terms(*, service: Service, terms: list[tuple[str, str | None]]) -> None:
    """Make the service's carepath attributes exactly ``terms``; other taxonomies' attributes stay."""
    vocab = vocabulary.load()
    wanted = {vocab.terms[code].id: value for code, value in terms}
    current = {
        str(a.taxonomy_term_id): a
        for a in Attribute.objects.of_services().filter(link_id=service.id).carepath()
    }
    for term_id, attribute in current.items():
        if term_id not in wanted:
            attribute.delete()
        elif attribute.value != wanted[term_id]:
            attribute.value = wanted[term_id]
            attribute.save(update_fields=["value"])
    # bulk_create sends no signals: the service's own save, just before, marked its communities' copies stale
    Attribute.objects.bulk_create(
        [
            Attribute(
                link_id=service.id,
                link_type="service",
                link_entity="service",
                taxonomy_term_id=term_id,
                value=value,
                steward_id=service.steward_id,
            )
            for term_id, value in wanted.items()
            if term_id not in current
        ]
    )


def _set_languages(*, service: Service, codes: list[str]) -> None:
    current = {lang.code.lower(): lang for lang in Language.objects.filter(service=service) if lang.code}
    for code, language in current.items():
        if code not in codes:
            language.delete()
    Language.objects.bulk_create(
        [
            Language(
                service=service, code=code, name=language_name(code, "en"), steward_id=service.steward_id
            )
            for code in codes
            if code not in current
        ]
    )


# --- Stewardship ---------------------------------------------------------------------------------------------
# Who keeps a record is decided above the directory (a community's services do it), so these two are no
# services of their own: like ``write_dataset``, they run inside the caller's transaction, and the caller
# records the audit entry, under the stewards it concerns.


def set_steward(*, records: dict[str, set[Any]], steward: Any) -> int:
    """Give ``records`` (table -> ids) to ``steward`` (None: the site); how many changed hands. Inside the
    caller's transaction, which records the audit entry."""
    moved = 0
    for table, ids in records.items():
        pks = list(ids)
        for start in range(0, len(pks), BATCH):
            moved += (
                HSDS_MODELS[table].objects.filter(pk__in=pks[start : start + BATCH]).update(steward=steward)
            )
    versions.bump()
    return moved


def hand_over(*, from_steward: Any, to_steward: Any) -> int:
    """Give every record ``from_steward`` keeps to ``to_steward`` (None: the site); how many changed hands.
    Inside the caller's transaction, which records the audit entry."""
    moved = sum(
        model.objects.filter(steward=from_steward).update(steward=to_steward)
        for model in HSDS_MODELS.values()
    )
    versions.bump()
    return moved
