"""Fast upsert of HSDS records by id, for imports of whole directories.

The ORM's ``bulk_create`` builds a model instance per row, which costs more than the database work for
100,000 services. Here rows go straight to the database: ``COPY`` on PostgreSQL (psycopg), ``executemany``
on SQLite, and ``UPDATE ... WHERE id`` for changed rows. Values are compared in the form the database
driver returns them, so re-importing the same file writes nothing. Runs inside the caller's transaction.

Every write is made for a steward (``Stewardship``): new records get it, and a record another steward keeps
may be given again unchanged but never changed, nor added to (a phone for its service). What is refused is
collected, and the caller rolls the transaction back.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .hsds.spec import OWNERS, POLYMORPHIC_OWNERS, REFERENCES, tables
from .models import HSDS_MODELS
from .translation import TRANSLATED

CHUNK = 5000
SQLITE_PARAMS = 900
# Tables whose records others can be part of (a service's phones): the only ones whose keys a write keeps.
KEPT = frozenset(REFERENCES[table][name] for table, names in OWNERS.items() for name in names)
Convert = Callable[[Any], Any]


def key_converter() -> Convert:
    """UUIDs as the database driver gives them back: canonical text on PostgreSQL (see ``_cursor``), hex on SQLite."""
    if connection.vendor == "postgresql":
        return lambda value: value if type(value) is str and value.islower() else str(value).lower()
    return lambda value: str(value).replace("-", "").lower()


def moment_converter() -> Convert:
    def convert(value: Any) -> Any:
        moment = parse_datetime(str(value).replace("Z", "+00:00"))
        if moment is None:
            raise ValueError(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        moment = moment.astimezone(datetime.UTC)
        # SQLite keeps naive UTC datetimes (Django's convention) and its driver returns them as datetimes.
        return moment if connection.vendor == "postgresql" else moment.replace(tzinfo=None)

    return convert


def converter(field: models.Field[Any, Any]) -> Convert:
    kind = field.get_internal_type()
    if kind in ("UUIDField", "ForeignKey"):
        return key_converter()
    if kind == "FloatField":
        return float
    if kind == "DateTimeField":
        return moment_converter()
    return str


@dataclass(frozen=True)
class Refusal:
    """A record a write may not make: it changes, or adds to, a record another steward keeps."""

    table: str
    record_id: str  # as the file gives it
    field: str  # "" when the record itself is kept elsewhere, else the link that adds it to another
    target_table: str
    target_id: str  # as the file gives it
    steward: Any  # the other steward's id; None: the site


@dataclass(frozen=True)
class Detached:
    """A record another steward keeps that named a new record as the one it is part of, before it existed
    (a phone planted for a service id a community was about to import): its link was cleared."""

    table: str
    record_id: str
    field: str
    target_table: str
    target_id: str
    steward: Any


class Stewardship:
    """What one import may write: new records, and records that ``steward`` keeps (None: the site)."""

    def __init__(self, steward: Any) -> None:
        self.steward = steward
        self.ours: dict[str, set[Any]] = {}  # table -> keys (database form) known to be the steward's
        self.refusals: list[Refusal] = []
        self.detached: list[Detached] = []
        self.empty: dict[str, bool] = {}  # tables found empty (no orphan to look for)

    def mine(self, table: str) -> set[Any]:
        return self.ours.setdefault(table, set())


@dataclass(frozen=True)
class Plan:
    """How one HSDS table is written in one language."""

    table: str
    db_table: str
    hsds: list[str]  # HSDS field names, in column order
    columns: list[str]  # database columns they go to (translated text: the language's column)
    convert: list[Convert]
    originals: list[tuple[str, int]]  # modeltranslation's original column, filled from column index on insert
    stamp: int | None  # index of last_modified on services: set to now when a service changes
    id_convert: Convert
    owners: tuple[
        tuple[int, str, str], ...
    ] = ()  # links that make a row part of another: index, field, table
    polymorphic: tuple[int, int, str] | None = None  # attributes, metadata: entity index, id index, id field
    revisioned: bool = False  # the table counts changes (``revision``, carepath.concurrency)


def plan(table: str, language: str) -> Plan:
    model = HSDS_MODELS[table]
    translated = set(TRANSLATED.get(model, ()))
    hsds_fields = tables("3.1")[table].fields
    hsds: list[str] = []
    columns: list[str] = []
    convert: list[Convert] = []
    originals: list[tuple[str, int]] = []
    for field in model._meta.concrete_fields:
        if field.column not in hsds_fields or field.column == "id":
            continue
        target = model._meta.get_field(f"{field.name}_{language}") if field.name in translated else field
        if field.name in translated:
            originals.append((field.column, len(columns)))
        hsds.append(field.column)
        columns.append(target.column)  # type: ignore[union-attr]
        convert.append(converter(target))  # type: ignore[arg-type]
    stamp = hsds.index("last_modified") if table == "service" else None
    owners = tuple(
        (hsds.index(name), name, REFERENCES[table][name]) for name in OWNERS.get(table, ()) if name in hsds
    )
    polymorphic = None
    if table in POLYMORPHIC_OWNERS:
        entity, link = POLYMORPHIC_OWNERS[table]
        polymorphic = (hsds.index(entity), hsds.index(link), link)
    return Plan(
        table,
        model._meta.db_table,
        hsds,
        columns,
        convert,
        originals,
        stamp,
        key_converter(),
        owners,
        polymorphic,
        any(f.name == "revision" for f in model._meta.concrete_fields),
    )


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector during a large import: it makes millions of short-lived records that
    form no cycles (reference counting frees them), and scanning for cycles after every few hundred cost a
    fifth of the import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def text_cursor() -> Iterator[Any]:
    """A cursor whose UUIDs come back as text, so rows compare and COPY without building UUID objects."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg.types.string import TextLoader  # noqa: PLC0415 - loaded only on PostgreSQL

            cursor.cursor.adapters.register_loader("uuid", TextLoader)
        yield cursor


def is_empty(plan: Plan) -> bool:
    """Whether the plan's table holds no row (a first import: nothing to compare with)."""
    return _empty(plan)


def orphans_possible(table: str, stewardship: Stewardship) -> bool:
    """Whether any table that can name a record of ``table`` holds rows (``detach_orphans`` has work)."""
    for part, _name, _extra in _links_to(table):
        if stewardship.empty.get(part) is None:
            stewardship.empty[part] = not HSDS_MODELS[part].objects.exists()
        if not stewardship.empty[part]:
            return True
    return False


def detach_orphans(table: str, keys: list[Any], stewardship: Stewardship) -> None:
    _detach_orphans(table, keys, stewardship)


def _empty(plan: Plan) -> bool:
    with text_cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_quote(plan.db_table)} LIMIT 1")  # noqa: S608
        return cursor.fetchone() is None


def _select(db_table: str, columns: list[str], ids: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``db_table`` by id (the first column asked for must be ``id``)."""
    names = ", ".join(_quote(c) for c in columns)
    table = _quote(db_table)
    with text_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {names} FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608
            return list(cursor.fetchall())
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), SQLITE_PARAMS):
            part = ids[start : start + SQLITE_PARAMS]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT {names} FROM {table} WHERE id IN ({marks})", part)  # noqa: S608
            rows += cursor.fetchall()
        return rows


def _existing(plan: Plan, ids: list[Any]) -> dict[Any, tuple[Any, tuple[Any, ...]]]:
    """Stored rows by key: their steward and their values in the plan's column order."""
    return {
        row[0]: (row[1], tuple(row[2:]))
        for row in _select(plan.db_table, ["id", "steward_id", *plan.columns], ids)
    }


def stewards(table: str, keys: Iterable[Any]) -> dict[Any, Any]:
    """The steward of each stored record of ``table`` among ``keys`` (database form); absent keys are left out."""
    wanted = list(set(keys))
    if not wanted:
        return {}
    return {
        row[0]: row[1] for row in _select(HSDS_MODELS[table]._meta.db_table, ["id", "steward_id"], wanted)
    }


def upsert(
    plan: Plan, rows: dict[str, dict[str, Any]], given: set[str] | None = None, *, stewardship: Stewardship
) -> dict[str, int]:
    """Create new rows, update changed ones; ``given``: columns the file gives for every row (CSV header).

    Records that would change or add to another steward's records are not written: they are added to
    ``stewardship.refusals``, and the caller must then roll the transaction back.
    """
    ids = list(rows)
    chunks = ({i: rows[i] for i in ids[start : start + CHUNK]} for start in range(0, len(ids), CHUNK))
    return upsert_chunks(plan, chunks, given, stewardship=stewardship)


def upsert_chunks(
    plan: Plan,
    chunks: Iterable[dict[str, dict[str, Any]]],
    given: set[str] | None = None,
    *,
    stewardship: Stewardship,
) -> dict[str, int]:
    """``upsert`` for records that come a chunk at a time (ids unique across chunks), never held together."""
    writer = _Writer(plan, given, stewardship)
    for rows in chunks:
        writer.write(rows)
    return writer.counts


class _Writer:
    def __init__(self, plan: Plan, given: set[str] | None, stewardship: Stewardship) -> None:
        self.plan, self.stewardship = plan, stewardship
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        self.now = moment_converter()(timezone.now().isoformat()) if plan.stamp is not None else None
        self.empty = _empty(plan)  # a first import: nothing to compare with
        # Only records others can be part of are remembered as the steward's (a phone's service): the rest
        # would cost memory for nothing on large imports.
        self.mine = stewardship.mine(plan.table) if plan.table in KEPT else set()
        self.positions = {name: index for index, name in enumerate(plan.hsds)}
        self.cleared = [i for i, name in enumerate(plan.hsds) if given is not None and name in given]

    def _values(self, record: dict[str, Any], old: tuple[Any, ...] | None) -> list[Any]:
        """The row as it will be stored: the record's values over the stored ones (a column the file gives
        and the record leaves out is cleared)."""
        plan = self.plan
        if old is None:
            values: list[Any] = [None] * len(plan.hsds)
        else:
            values = list(old)
            for index in self.cleared:
                values[index] = None
        positions, convert = self.positions, plan.convert
        for name, value in record.items():
            index = positions.get(name)
            if index is not None:
                function = convert[index]
                values[index] = (
                    value if value is None or (function is str and type(value) is str) else function(value)
                )
        if plan.stamp is not None and record.get("last_modified") is None:
            # The file does not say when the service last changed: now if it changes here, else as stored.
            values[plan.stamp] = old[plan.stamp] if old is not None else None
            if old is None or tuple(values) != old:
                values[plan.stamp] = self.now
        return values

    def write(self, rows: dict[str, dict[str, Any]]) -> None:
        plan, stewardship, counts, mine = self.plan, self.stewardship, self.counts, self.mine
        chunk = list(rows)
        keys = [plan.id_convert(i) for i in chunk]
        existing = {} if self.empty else _existing(plan, keys)
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        written: list[tuple[str, list[Any]]] = []  # records to write, with their values
        originals = [index for _, index in plan.originals]
        for record_id, key in zip(chunk, keys, strict=True):
            stored = existing.get(key)
            steward, old = stored if stored is not None else (None, None)
            values = self._values(rows[record_id], old)
            if old is not None and (
                tuple(values) == old
                or (steward != stewardship.steward and _same_but_stamp(plan, values, old))
            ):
                # Given again as stored (another steward's record may differ in when it was last stamped).
                counts["unchanged"] += 1
                if steward == stewardship.steward:
                    mine.add(key)
                continue
            if old is not None and steward != stewardship.steward:
                stewardship.refusals.append(
                    Refusal(plan.table, record_id, "", plan.table, record_id, steward)
                )
                continue
            mine.add(key)
            written.append((record_id, values))
            if old is None:
                inserts.append(
                    (
                        key,
                        stewardship.steward,
                        *values,
                        *(values[i] if values[i] is not None else "" for i in originals),
                    )
                )
            else:
                updates.append((*values, key))
        _check_owners(plan, rows, written, stewardship)
        _insert(plan, inserts)
        if inserts:
            _detach_orphans(plan.table, [row[0] for row in inserts], stewardship)
        _update(plan, updates)
        counts["created"] += len(inserts)
        counts["updated"] += len(updates)


def _same_but_stamp(plan: Plan, values: list[Any], old: tuple[Any, ...]) -> bool:
    if plan.stamp is None:
        return False
    return all(a == b for index, (a, b) in enumerate(zip(values, old, strict=True)) if index != plan.stamp)


def _check_owners(
    plan: Plan,
    rows: dict[str, dict[str, Any]],
    written: list[tuple[str, list[Any]]],
    stewardship: Stewardship,
) -> None:
    """Refuse records that would be added to a record another steward keeps (a phone to their service)."""
    wanted: dict[str, list[tuple[str, str, Any]]] = {}  # target table -> (record id, field, target key)
    for record_id, values in written:
        links = [(field, table, values[index]) for index, field, table in plan.owners]
        if plan.polymorphic is not None:
            entity_index, id_index, field = plan.polymorphic
            entity = values[entity_index]
            if entity in HSDS_MODELS:
                links.append((field, entity, values[id_index]))
        for field, table, target in links:
            if target is not None and target not in stewardship.mine(table):
                wanted.setdefault(table, []).append((record_id, field, target))
    for table, items in wanted.items():
        found = stewards(table, (target for _, _, target in items))
        mine = stewardship.mine(table)
        for record_id, field, target in items:
            if target not in found:
                continue  # a record no one holds: the reference is kept as given
            if found[target] == stewardship.steward:
                mine.add(target)
                continue
            stewardship.refusals.append(
                Refusal(plan.table, record_id, field, table, str(rows[record_id].get(field)), found[target])
            )


def _links_to(table: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every link that can name a record of ``table``: (table holding it, link field, extra filter)."""
    links = [
        (source, name, {})
        for source, references in REFERENCES.items()
        for name, target in references.items()
        if target == table
    ]
    links += [(source, link, {entity: table}) for source, (entity, link) in POLYMORPHIC_OWNERS.items()]
    return links


def _detach_orphans(table: str, keys: list[Any], stewardship: Stewardship) -> None:
    """A new record is never named by records another steward made before it existed (a phone planted for a
    service id a community was about to import, a service at a location id not yet there, an attribute naming a
    term id): those links are cleared, so another steward's records neither become part of it nor resolve to
    it."""
    for part, name, extra in _links_to(table):
        model = HSDS_MODELS[part]
        if stewardship.empty.get(part) is None:
            stewardship.empty[part] = not model.objects.exists()
        if stewardship.empty[part]:
            continue
        attname = model.attname(name)
        for start in range(0, len(keys), SQLITE_PARAMS):
            planted = model.objects.filter(**{f"{attname}__in": keys[start : start + SQLITE_PARAMS]}, **extra)
            planted = planted.exclude(steward_id=stewardship.steward)
            found = list(planted.values_list("pk", attname, "steward_id"))
            if found:
                planted.update(**{attname: None})
                stewardship.detached += [
                    Detached(part, str(pk), name, table, str(target), steward)
                    for pk, target, steward in found
                ]


def _insert(plan: Plan, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        insert_rows(
            plan.db_table,
            ["id", "steward_id", *plan.columns, *(column for column, _ in plan.originals)],
            rows,
        )


def insert_rows(db_table: str, columns: Iterable[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows as they are: COPY on PostgreSQL, executemany elsewhere."""
    names = ", ".join(_quote(c) for c in columns)
    with text_cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's errors (IntegrityError...) for what the driver raises, as for any query
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {_quote(db_table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {_quote(db_table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _update(plan: Plan, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    assignments = ", ".join(f"{_quote(c)} = %s" for c in plan.columns)
    if plan.revisioned:  # a form opened before this import must not write over it
        assignments += f", {_quote('revision')} = {_quote('revision')} + 1"
    with text_cursor() as cursor:
        cursor.executemany(f"UPDATE {_quote(plan.db_table)} SET {assignments} WHERE id = %s", rows)  # noqa: S608
