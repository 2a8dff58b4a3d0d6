"""Writes to the directory: importing HSDS files (all or nothing, upsert by id) and editing services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carepath import audit, versions

from . import bulk, vocabulary
from .hsds import reader, validate
from .hsds.problems import Problem
from .hsds.spec import WRITE_ORDER
from .models import HSDS_MODELS, Address, Attribute, Language, Location, Service, ServiceAtLocation

BATCH = 2000
Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass
class ImportResult:
    """What an import did, or every reason it did not."""

    problems: list[Problem]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> created / updated / unchanged
    service_ids: list[str] = field(default_factory=list)
    added_to_inventory: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

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
        from django.utils.translation import gettext

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


def existing_ids(table: str, ids: set[str]) -> set[str]:
    model = HSDS_MODELS[table]
    found: set[str] = set()
    chunk = list(ids)
    for start in range(0, len(chunk), BATCH):
        found.update(
            str(pk)
            for pk in model.objects.filter(pk__in=chunk[start : start + BATCH]).values_list("pk", flat=True)
        )
    return found


def reader_limits() -> reader.Limits:
    """The import limits of the settings (README, "Security")."""
    return reader.Limits(
        max_bytes=settings.CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_files=settings.CAREPATH_IMPORT_MAX_FILES,
        max_ratio=settings.CAREPATH_IMPORT_MAX_RATIO,
        max_field_bytes=settings.CAREPATH_IMPORT_MAX_FIELD_BYTES,
        max_columns=settings.CAREPATH_IMPORT_MAX_COLUMNS,
        max_depth=settings.CAREPATH_JSON_MAX_DEPTH,
    )


def read_and_check(
    path: Path, *, display_name: str | None = None, progress: Progress | None = None
) -> reader.Dataset:
    """Read and validate a file against the directory, without writing anything."""
    counter = _Counter(progress, "read")
    data = reader.read(
        path, display_name=display_name, progress=counter if progress else None, limits=reader_limits()
    )
    if not data.errors:
        validate.validate(data, existing=existing_ids, vocabulary=vocabulary.load())
    return data


def write_dataset(
    data: reader.Dataset, *, language: str, steward: Any, progress: Progress | None = None
) -> tuple[dict[str, dict[str, int]], bulk.Stewardship]:
    """Upsert a checked file's records for ``steward`` (a community id, None for the site), inside the
    caller's transaction: the counts per table, and what the steward holds and was refused (records another
    steward keeps: then the caller must roll back)."""
    stewardship = bulk.Stewardship(steward)
    counts: dict[str, dict[str, int]] = {}
    for table in WRITE_ORDER:
        rows = data.records.get(table)
        if rows:
            counts[table] = bulk.upsert(
                bulk.plan(table, language), rows, data.given.get(table), stewardship=stewardship
            )
            if progress:
                progress(f"write {table}", len(rows), len(rows))
    versions.bump()  # the bulk writes above send no signals
    return counts, stewardship


class _Counter:
    def __init__(self, progress: Progress | None, stage: str) -> None:
        self.progress, self.stage, self.done = progress, stage, 0

    def __call__(self, step: int) -> None:
        self.done += step
        if self.progress and self.done % 500 == 0:
            self.progress(self.stage, self.done, 0)


# --- Editing one service ---------------------------------------------------------------------------------


@transaction.atomic
def save_service(
    *,
    service: Service,
    actor: Any,
    terms: list[tuple[str, str | None]],
    languages: list[str],
    changed_fields: Iterable[str] = (),
) -> Service:
    """Save a service edited through a form, with its carepath terms and languages; stamps last_modified."""
    creating = service._state.adding
    service.last_modified = timezone.now()
    service.save()
    set_terms(service=service, terms=terms)
    set_languages(service=service, codes=languages)
    audit.record(
        actor=actor,
        action="directory.create_service" if creating else "directory.update_service",
        target=service,
        fields=sorted(changed_fields),
        terms=[code for code, _ in terms],
        languages=languages,
    )
    return service


@transaction.atomic
def save_places(*, service: Service, places: list[dict[str, Any]], removed: list[Any], actor: Any) -> None:
    """Make the service offered at these places (a location with one physical address each).

    A location shared with other services is updated in place; removing a place only unlinks it.
    """
    kept = []
    for place in places:
        location = Location.objects.filter(pk=place.get("location_id")).first() or Location(
            organization_id=service.organization_id, location_type=Location.Type.PHYSICAL
        )
        location.name_en, location.name_fr = place["name_en"], place.get("name_fr") or None
        location.latitude, location.longitude = place.get("latitude"), place.get("longitude")
        location.save()
        address = location.addresses.first() or Address(location=location, address_type=Address.Type.PHYSICAL)
        for key in ("address_1", "city", "state_province", "postal_code", "country"):
            setattr(address, key, place[key])
        address.save()
        ServiceAtLocation.objects.get_or_create(service=service, location=location)
        kept.append(location.pk)
    ServiceAtLocation.objects.filter(service=service, location_id__in=removed).exclude(
        location_id__in=kept
    ).delete()
    audit.record(
        actor=actor, action="directory.save_places", target=service, places=len(kept), removed=len(removed)
    )


def set_terms(*, service: Service, terms: list[tuple[str, str | None]]) -> None:
    """Make the service's carepath attributes exactly ``terms``; other taxonomies' attributes stay."""
    vocab = vocabulary.load()
    wanted = {vocab.terms[code].id: value for code, value in terms}
    current = {str(a.taxonomy_term_id): a for a in Attribute.objects.filter(link_id=service.id).carepath()}
    for term_id, attribute in current.items():
        if term_id not in wanted:
            attribute.delete()
        elif attribute.value != wanted[term_id]:
            attribute.value = wanted[term_id]
            attribute.save(update_fields=["value"])
    versions.bump()  # bulk_create sends no signals
    Attribute.objects.bulk_create(
        [
            Attribute(
                link_id=service.id,
                link_type="service",
                link_entity="service",
                taxonomy_term_id=term_id,
                value=value,
            )
            for term_id, value in wanted.items()
            if term_id not in current
        ]
    )


def set_languages(*, service: Service, codes: list[str]) -> None:
    current = {lang.code.lower(): lang for lang in Language.objects.filter(service=service) if lang.code}
    for code, language in current.items():
        if code not in codes:
            language.delete()
    Language.objects.bulk_create(
        [
            Language(service=service, code=code, name=language_name(code, "en"))
            for code in codes
            if code not in current
        ]
    )


# Languages Django does not name, which families and services here use.
LANGUAGE_NAMES = {
    "oj": gettext_lazy("Ojibwe (Anishinaabemowin)"),
    "cr": gettext_lazy("Cree"),
    "iu": gettext_lazy("Inuktitut"),
    "ti": gettext_lazy("Tigrinya"),
    "so": gettext_lazy("Somali"),
}


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of an ISO 639 language in ``in_language`` (default: the active one), or the code itself."""
    from django.utils import translation

    with translation.override(in_language or translation.get_language()):
        if code in LANGUAGE_NAMES:
            return str(LANGUAGE_NAMES[code])
        try:
            name = str(translation.get_language_info(code)["name_translated"])
        except KeyError:
            return code
        # French writes language names in lower case inside a sentence.
        return name.lower() if (translation.get_language() or "").startswith("fr") else name


def touch_services(service_ids: Iterable[Any]) -> None:
    Service.objects.filter(pk__in=list(service_ids)).update(last_modified=timezone.now())
