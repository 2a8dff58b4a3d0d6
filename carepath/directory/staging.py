"""Upsert a large table on PostgreSQL through a staging table: COPY the rows in, then decide in SQL.

``bulk.upsert`` compares each row with the stored one in Python; for a whole directory (a million rows and
more) that costs more than the database's own work. Here the rows go by ``COPY`` into a temporary table
shaped like the target's columns, and a few statements do what ``bulk`` does row by row, with the same
result: records another steward keeps are refused unless given unchanged (``Refusal``), so are records
that would be added to theirs (``_refuse_owners``); the steward's changed records are updated (their
``revision`` moved, a service's ``last_modified`` stamped now unless the file gives it), new ones inserted,
the rest counted unchanged. Columns the file does not give keep their stored values.

Only for CSV tables (``given``: every row gives the same columns, an empty cell clearing the field).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from . import bulk
from .models import HSDS_MODELS

STAGE = "carepath_import_stage"


def upsert(
    plan: bulk.Plan,
    chunks: Iterable[dict[str, dict[str, Any]]],
    given: set[str],
    *,
    stewardship: bulk.Stewardship,
) -> dict[str, int]:
    """``bulk.upsert_chunks`` for a CSV table on PostgreSQL (inside the caller's transaction)."""
    stage = _Stage(plan, given, stewardship)
    try:
        rows = stage.load(chunks)
        return stage.apply(rows)
    finally:
        stage.drop()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class _Stage:
    def __init__(self, plan: bulk.Plan, given: set[str], stewardship: bulk.Stewardship) -> None:
        self.plan, self.stewardship = plan, stewardship
        self.table = _q(plan.db_table)
        self.names = [name for name in plan.hsds if name in given]  # the columns the file gives
        index = {name: i for i, name in enumerate(plan.hsds)}
        self.columns = [plan.columns[index[name]] for name in self.names]
        self.stamp = plan.columns[plan.stamp] if plan.stamp is not None else None
        compared = [c for c in self.columns if c != self.stamp]
        self.differs_but_stamp = _differs(compared)
        self.differs = self.differs_but_stamp
        if self.stamp is not None and self.stamp in self.columns:
            stamp = _q(self.stamp)
            self.differs = (
                f"({self.differs} OR (s.{stamp} IS NOT NULL AND s.{stamp} IS DISTINCT FROM t.{stamp}))"
            )
        self.params = {"steward": stewardship.steward, "now": timezone.now()}

    def _run(self, sql: str) -> Any:
        cursor = connection.cursor()
        cursor.execute(sql, self.params if "%(" in sql else None)
        return cursor

    def load(self, chunks: Iterable[dict[str, dict[str, Any]]]) -> int:
        columns = ", ".join(_q(c) for c in ["id", *self.columns])
        self._run(f"DROP TABLE IF EXISTS {STAGE}")
        self._run(f"CREATE TEMPORARY TABLE {STAGE} AS SELECT {columns} FROM {self.table} WITH NO DATA")  # noqa: S608
        names = self.names
        count = 0
        with (
            bulk.text_cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy,
        ):
            for rows in chunks:
                for record_id, record in rows.items():
                    copy.write_row((record_id, *map(record.get, names)))
                count += len(rows)
        self._run(f"ANALYZE {STAGE}")
        return count

    def apply(self, rows: int) -> dict[str, int]:
        empty = bulk.is_empty(self.plan)
        refused = 0 if empty else self._refuse_kept()
        self._refuse_owners(empty)
        self._remember_mine(empty)
        updated = 0 if empty else self._update()
        created = self._insert(empty)
        return {"created": created, "updated": updated, "unchanged": rows - created - updated - refused}

    def _refuse_kept(self) -> int:
        """Records another steward keeps, given changed: refused, and left out of what is written."""
        found = self._run(
            f"SELECT s.id::text, t.steward_id FROM {STAGE} s JOIN {self.table} t ON t.id = s.id "  # noqa: S608
            f"WHERE t.steward_id IS DISTINCT FROM %(steward)s AND {self.differs_but_stamp}"
        ).fetchall()
        table = self.plan.table
        self.stewardship.refusals += [
            bulk.Refusal(table, pk, "", table, pk, steward) for pk, steward in found
        ]
        if found:
            self._run(
                f"DELETE FROM {STAGE} s USING {self.table} t "  # noqa: S608
                "WHERE t.id = s.id AND t.steward_id IS DISTINCT FROM %(steward)s"
            )
        return len(found)

    def _written(self, empty: bool) -> str:
        """Rows of the stage that are written: new ones, and the steward's that change."""
        if empty:
            return "TRUE"
        return (
            f"NOT EXISTS (SELECT 1 FROM {self.table} t WHERE t.id = s.id AND NOT "  # noqa: S608
            f"(t.steward_id IS NOT DISTINCT FROM %(steward)s AND {self.differs}))"
        )

    def _refuse_owners(self, empty: bool) -> None:
        """Records that would be added to a record another steward keeps (a phone to their service)."""
        plan, written = self.plan, self._written(empty)
        links = [
            (field, target, _q(plan.columns[i])) for i, field, target in plan.owners if field in self.names
        ]
        if plan.polymorphic is not None:
            entity_index, id_index, field = plan.polymorphic
            entity, link = plan.columns[entity_index], plan.columns[id_index]
            if entity in self.columns and link in self.columns:
                kinds = self._run(f"SELECT DISTINCT {_q(entity)} FROM {STAGE}").fetchall()  # noqa: S608
                links += [
                    (field, kind, f"{_q(link)} AND s.{_q(entity)} = '{kind}'")
                    for (kind,) in kinds
                    if kind in HSDS_MODELS
                ]
        for field, target, column in links:
            found = self._run(
                f"SELECT s.id::text, u.id::text, u.steward_id FROM {STAGE} s "  # noqa: S608
                f"JOIN {_q(HSDS_MODELS[target]._meta.db_table)} u ON u.id = s.{column} "
                f"WHERE u.steward_id IS DISTINCT FROM %(steward)s AND {written}"
            ).fetchall()
            self.stewardship.refusals += [
                bulk.Refusal(plan.table, pk, field, target, value, steward) for pk, value, steward in found
            ]

    def _remember_mine(self, empty: bool) -> None:
        if self.plan.table not in bulk.KEPT:
            return
        condition = (
            "TRUE"
            if empty
            else (
                f"NOT EXISTS (SELECT 1 FROM {self.table} t WHERE t.id = s.id "  # noqa: S608
                "AND t.steward_id IS DISTINCT FROM %(steward)s)"
            )
        )
        found = self._run(f"SELECT s.id::text FROM {STAGE} s WHERE {condition}").fetchall()  # noqa: S608
        self.stewardship.mine(self.plan.table).update(pk for (pk,) in found)

    def _update(self) -> int:
        assignments = [f"{_q(c)} = s.{_q(c)}" for c in self.columns if c != self.stamp]
        if self.stamp is not None:
            assignments.append(
                f"{_q(self.stamp)} = COALESCE(s.{_q(self.stamp)}, %(now)s)"
                if self.stamp in self.columns
                else f"{_q(self.stamp)} = %(now)s"
            )
        if self.plan.revisioned:  # a form opened before this import must not write over it
            assignments.append(f"{_q('revision')} = t.{_q('revision')} + 1")
        return int(
            self._run(
                f"UPDATE {self.table} t SET {', '.join(assignments)} FROM {STAGE} s "  # noqa: S608
                f"WHERE t.id = s.id AND t.steward_id IS NOT DISTINCT FROM %(steward)s AND {self.differs}"
            ).rowcount
        )

    def _insert(self, empty: bool) -> int:
        plan = self.plan
        targets = ["id", "steward_id", *self.columns]
        values = ["s.id", "%(steward)s", *(f"s.{_q(c)}" for c in self.columns)]
        if self.stamp is not None:
            if self.stamp in self.columns:
                values[targets.index(self.stamp)] = f"COALESCE(s.{_q(self.stamp)}, %(now)s)"
            else:
                targets.append(self.stamp)
                values.append("%(now)s")
        given = set(self.columns)
        for original, index in plan.originals:  # modeltranslation's original column, never null
            targets.append(original)
            column = plan.columns[index]
            values.append(f"COALESCE(s.{_q(column)}, '')" if column in given else "''")
        where = "" if empty else f"WHERE NOT EXISTS (SELECT 1 FROM {self.table} t WHERE t.id = s.id)"  # noqa: S608
        orphans = bulk.orphans_possible(plan.table, self.stewardship)
        cursor = self._run(
            f"INSERT INTO {self.table} ({', '.join(_q(t) for t in targets)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {STAGE} s {where}" + (" RETURNING id::text" if orphans else "")
        )
        created = int(cursor.rowcount)
        if orphans:
            bulk.detach_orphans(plan.table, [pk for (pk,) in cursor.fetchall()], self.stewardship)
        return created

    def drop(self) -> None:
        self._run(f"DROP TABLE IF EXISTS {STAGE}")


def _differs(columns: list[str]) -> str:
    if not columns:
        return "FALSE"
    left = ", ".join(f"s.{_q(c)}" for c in columns)
    right = ", ".join(f"t.{_q(c)}" for c in columns)
    return f"(ROW({left}) IS DISTINCT FROM ROW({right}))"
