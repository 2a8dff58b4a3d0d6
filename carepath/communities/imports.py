"""Importing an HSDS file into a community: its records, kept by the community, and its inventory.

All or nothing, in one transaction. The community keeps (stewards) the records the file creates and may change
the records it already keeps. A file may give another community's records unchanged (a service it lists too),
but one that would change them, or add to them (a phone for their service), is refused whole, each such
record named with its table, its id and who keeps it. One import per community is written at a time: a second
waits a few seconds, then is told that another is running.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from carepath import audit
from carepath.accounts.models import Actor
from carepath.directory import bulk, reading
from carepath.directory import services as directory
from carepath.directory.hsds import reader, validate
from carepath.directory.models import HSDS_MODELS, Service
from carepath.directory.services import ImportResult, Progress

from . import changes, services
from .models import Community, InventoryEntry


class _RefusedError(Exception):
    pass


class _BusyError(Exception):
    pass


def import_hsds(
    *,
    path: Path,
    community_slug: str,
    language: str = "en",
    actor: Actor = None,
    display_name: str | None = None,
    progress: Progress | None = None,
    community_name: str | None = None,
) -> ImportResult:
    """Import an HSDS file into the directory and the community's inventory; nothing is written on error."""
    with bulk.no_cycle_collection():
        data = reading.read_and_check(path, display_name=display_name, progress=progress)
        try:
            return _import(
                data, path, community_slug, language, actor, display_name, progress, community_name
            )
        finally:
            data.close()


def _import(
    data: reader.Dataset,
    path: Path,
    community_slug: str,
    language: str,
    actor: Actor,
    display_name: str | None,
    progress: Progress | None,
    community_name: str | None,
) -> ImportResult:
    result = ImportResult(problems=validate.problems_sorted(data.problems), left_out=data.left_out)
    if not result.ok:
        return result
    options = {
        "community_slug": community_slug,
        "community_name": community_name,
        "language": language,
        "actor": actor,
        "display_name": display_name or path.name,
        "progress": progress,
    }
    for attempt in (1, 2):
        try:
            written = _write(data, result, **options)
            _analyze(written)
            return written
        except _RefusedError:
            result.problems, result.left_out = validate.problems_sorted(data.problems), data.left_out
            return result
        except _BusyError:
            data.problem("import_busy", file=options["display_name"], where="")
            break
        except IntegrityError:
            # Another import created some of the same records at the same moment: run again against what it
            # wrote, which gives each record its steward's answer.
            if attempt == 2:
                data.problem("import_conflict", file=options["display_name"], where="")
        except DatabaseError as error:
            if not _is_lock_timeout(error):
                raise
            data.problem("import_busy", file=options["display_name"], where="")
            break
    result.problems, result.left_out = validate.problems_sorted(data.problems), data.left_out
    return result


def _write(
    data: reader.Dataset,
    result: ImportResult,
    *,
    community_slug: str,
    community_name: str | None,
    language: str,
    actor: Actor,
    display_name: str,
    progress: Progress | None,
) -> ImportResult:
    with transaction.atomic():
        community = services.get_or_create_community(
            slug=community_slug, name=community_name or community_slug, actor=actor
        )
        _lock(community)
        counts, stewardship = directory.write_dataset(
            data, language=language, steward=community.pk, progress=progress
        )
        service_ids = list(dict.fromkeys(data.top_ids or data.records.get("service", {})))
        _name_refusals(data, stewardship.refusals)
        _name_unlisted(data, community, service_ids, stewardship)
        if any(p.is_error for p in data.problems):
            raise _RefusedError
        _name_detached(data, community, stewardship.detached, actor)
        result.counts = counts
        result.service_ids = service_ids
        result.added_to_inventory = services.add_to_inventory(
            community=community, service_ids=service_ids, actor=actor
        )
        changes.bump_for_steward(community.pk)  # the bulk writes sent no signals
        audit.record(
            actor=actor,
            action="directory.import_hsds",
            community=community,
            target_type="hsds_file",
            target_id=display_name[:80],
            language=language,
            counts=counts,
            added_to_inventory=result.added_to_inventory,
            warnings=len(result.warnings),
        )
    result.problems, result.left_out = validate.problems_sorted(data.problems), data.left_out
    return result


ANALYZE_FROM = (
    10_000  # rows: an import this large changes the tables' shape enough to refresh their statistics
)


def _analyze(result: ImportResult) -> None:
    """On PostgreSQL, refresh the statistics of the tables a large import wrote, once it has committed: the
    planner otherwise takes a table of 100,000 new rows for a few dozen (and the navigator's snapshot, built
    right after, runs nested loops over them) until autovacuum comes round."""
    if connection.vendor != "postgresql" or not result.ok:
        return
    changed = {
        name: counts.get("created", 0) + counts.get("updated", 0) for name, counts in result.counts.items()
    }
    if sum(changed.values()) < ANALYZE_FROM:
        return
    tables = [HSDS_MODELS[name]._meta.db_table for name, count in changed.items() if count]
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE "
            + ", ".join(connection.ops.quote_name(t) for t in [*tables, InventoryEntry._meta.db_table])
        )


def _lock(community: Community) -> None:
    """Hold the community's row until the import commits: a second import waits, then gives up (``_BusyError``).

    On SQLite the transaction already holds the whole database (``BEGIN IMMEDIATE``); a second writer waits
    there (``busy_timeout``, 5 seconds) and fails with "database is locked", which ``_is_lock_timeout``
    recognises.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [f"{settings.CAREPATH_IMPORT_WAIT_SECONDS}s"]
            )
        try:
            Community.objects.select_for_update().filter(pk=community.pk).exists()
        except DatabaseError as error:
            if _is_lock_timeout(error):
                raise _BusyError from error
            raise


def _is_lock_timeout(error: Exception) -> bool:
    """PostgreSQL's lock_not_available; SQLite's "database is locked" (or "database table is locked" when
    the database is shared in memory, as in tests)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "55P03" or str(error).endswith("is locked")


def _steward_names(ids: set[Any]) -> dict[Any, str]:
    return {c.pk: c.name for c in Community.objects.filter(pk__in=[i for i in ids if i is not None])}


def _name_refusals(data: reader.Dataset, refusals: list[bulk.Refusal]) -> None:
    names = _steward_names({r.steward for r in refusals})
    for refusal in refusals:
        steward = names.get(refusal.steward)
        where = {"table": refusal.table, "record_id": refusal.record_id}
        if not refusal.field:
            code = "stewarded_elsewhere" if steward else "stewarded_by_site"
            data.problem(code, **where, id=refusal.record_id, steward=steward or "")
        else:
            data.problem(
                "attaches_elsewhere" if steward else "attaches_to_site",
                **where,
                fld=refusal.field,
                target=refusal.target_table,
                value=refusal.target_id,
                steward=steward or "",
            )


def _name_detached(
    data: reader.Dataset, community: Community, detached: list[bulk.Detached], actor: Actor
) -> None:
    """Records of others that named this import's new records as theirs before they existed lost that link:
    say so, and log it under their steward."""
    names = _steward_names({d.steward for d in detached})
    for item in detached:
        steward = names.get(item.steward) or ""
        data.problem(
            "orphan_detached",
            severity="warning",
            table=item.target_table,
            record_id=item.target_id,
            part=item.table,
            id=item.record_id,
            target=item.target_table,
            value=item.target_id,
            steward=steward or gettext("the site"),
        )
    for steward_id in {d.steward for d in detached}:
        audit.record(
            actor=actor,
            action="directory.detach",
            community=Community.objects.filter(pk=steward_id).first() if steward_id else None,
            target_type="community",
            target_id=str(community.pk),
            records=[f"{d.table} {d.record_id}" for d in detached if d.steward == steward_id][:1000],
            by=community.slug,
        )


def _name_unlisted(
    data: reader.Dataset, community: Community, service_ids: list[str], stewardship: bulk.Stewardship
) -> None:
    """Services another community keeps may be listed here only once their steward has published them."""
    key = bulk.key_converter()
    mine = stewardship.mine("service")
    elsewhere = [sid for sid in service_ids if key(sid) not in mine]
    if not elsewhere:
        return
    published = InventoryEntry.objects.filter(
        service_id=OuterRef("pk"), community_id=OuterRef("steward_id"), published=True
    )
    unlisted: list[tuple[Any, Any]] = []
    for start in range(0, len(elsewhere), 500):
        unlisted += (
            Service.objects.filter(pk__in=elsewhere[start : start + 500], steward__isnull=False)
            .exclude(steward_id=community.pk)
            .filter(~Exists(published))
            .values_list("pk", "steward_id")
        )
    names = _steward_names({steward for _, steward in unlisted})
    for pk, steward in unlisted:
        data.problem(
            "unlisted_elsewhere", table="service", record_id=str(pk), id=str(pk), steward=names[steward]
        )
