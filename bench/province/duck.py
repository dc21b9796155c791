"""The same catalogue computed by DuckDB over the same facts exported to Parquet (the near-limit for one machine).

``export`` copies the columns the catalogue reads out of PostgreSQL (``COPY … TO STDOUT``, CSV) and
has DuckDB write one Parquet file per table. ``Duck.compute(scope)`` answers every indicator of
``anjian/stats/indicators.py`` for a region + period scope (no sector/department/campaign/kind
filter: the benchmark does not use them) with hand-written SQL, one query per fact table like
``compute.py``; the benchmark checks that both give the same figures for every scope.

Two conversions are done once in the export rather than in every query: the local (Asia/Shanghai)
date of ``units.deactivated_at`` and ``accidents.occurred_at`` — what Django's ``__date`` lookups
compute in PostgreSQL with ``AT TIME ZONE``.
"""

# ruff: noqa: S608 — the SQL is built from this module's own table names and from a digit prefix and
# ISO dates the benchmark makes (checked in ``_sql``); nothing comes from outside.
from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

# table → (SELECT of the export, DuckDB column types)
EXPORTS: dict[str, tuple[str, dict[str, str]]] = {
    "units": (
        "SELECT id, region_code, status, is_active, (deactivated_at AT TIME ZONE 'Asia/Shanghai')::date, "
        "key_supervision FROM units_unit",
        {"id": "BIGINT", "region_code": "VARCHAR", "status": "VARCHAR", "is_active": "BOOLEAN",
         "deactivated_on": "DATE", "key_supervision": "BOOLEAN"},
    ),
    "inspections": (
        "SELECT id, unit_id, region_code, group_id, date, official_count, expert_count FROM inspections_inspection",
        {"id": "BIGINT", "unit_id": "BIGINT", "region_code": "VARCHAR", "group_id": "BIGINT", "date": "DATE",
         "official_count": "INTEGER", "expert_count": "INTEGER"},
    ),
    "officials": (
        "SELECT inspection_id, person_id FROM inspections_inspection_officials",
        {"inspection_id": "BIGINT", "person_id": "BIGINT"},
    ),
    "experts": (
        "SELECT inspection_id, person_id FROM inspections_inspection_experts",
        {"inspection_id": "BIGINT", "person_id": "BIGINT"},
    ),
    "hazards": (
        "SELECT id, region_code, level, status, found_on, deadline, closed_on FROM hazards_hazard",
        {"id": "BIGINT", "region_code": "VARCHAR", "level": "VARCHAR", "status": "VARCHAR", "found_on": "DATE",
         "deadline": "DATE", "closed_on": "DATE"},
    ),
    "supervisions": (
        "SELECT hazard_id, placed_on FROM hazards_supervision",
        {"hazard_id": "BIGINT", "placed_on": "DATE"},
    ),
    "actions": (
        "SELECT id, unit_id, region_code, kind, date, fine_initial, fine_current FROM enforcement_enforcementaction",
        {"id": "BIGINT", "unit_id": "BIGINT", "region_code": "VARCHAR", "kind": "VARCHAR", "date": "DATE",
         "fine_initial": "DECIMAL(14,2)", "fine_current": "DECIMAL(14,2)"},
    ),
    "documents": (
        "SELECT id, region_code, issued_on FROM enforcement_document",
        {"id": "BIGINT", "region_code": "VARCHAR", "issued_on": "DATE"},
    ),
    "interviews": (
        "SELECT id, kind, date, persons FROM enforcement_interview",
        {"id": "BIGINT", "kind": "VARCHAR", "date": "DATE", "persons": "INTEGER"},
    ),
    "interview_units": (
        "SELECT interview_id, unit_id FROM enforcement_interview_units",
        {"interview_id": "BIGINT", "unit_id": "BIGINT"},
    ),
    "accidents": (
        "SELECT id, unit_id, region_code, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date, category, road, deaths, "
        "injuries, direct_loss FROM accidents_accident",
        {"id": "BIGINT", "unit_id": "BIGINT", "region_code": "VARCHAR", "occurred_on": "DATE", "category": "VARCHAR",
         "road": "BOOLEAN", "deaths": "INTEGER", "injuries": "INTEGER", "direct_loss": "DECIMAL(16,2)"},
    ),
    "activities": (
        "SELECT id, region_code, kind, date, attendees, materials FROM outreach_activity",
        {"id": "BIGINT", "region_code": "VARCHAR", "kind": "VARCHAR", "date": "DATE", "attendees": "INTEGER",
         "materials": "INTEGER"},
    ),
    "tasks": (
        "SELECT t.id, t.region_code, t.due, t.completed_on, c.start, c.\"end\" "
        "FROM campaigns_task t JOIN campaigns_campaign c ON c.id = t.campaign_id",
        {"id": "BIGINT", "region_code": "VARCHAR", "due": "DATE", "completed_on": "DATE", "campaign_start": "DATE",
         "campaign_end": "DATE"},
    ),
}  # fmt: skip


def export(parquet_dir: Path, log: Any = print) -> dict[str, int]:
    """PostgreSQL (Django's connection) → CSV → Parquet, one file per table; returns the file sizes."""
    import duckdb
    from django.db import connection

    parquet_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    sizes = {}
    for name, (select, types) in EXPORTS.items():
        started = time.perf_counter()
        csv = parquet_dir / f"{name}.csv"
        with connection.cursor() as cur, cur.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
            with csv.open("wb") as out:
                for block in copy:
                    out.write(block)
        columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
        target = parquet_dir / f"{name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv}', header=false, columns={columns}, nullstr='')) "
            f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
        csv.unlink()
        sizes[name] = target.stat().st_size
        log(f"  {name}: {target.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - started:.1f} s")
    con.close()
    return sizes


TOLD = "('interview', 'notice')"


def _sql(prefix: str, d0: dt.date, d1: dt.date, as_of: dt.date) -> dict[str, str]:
    """One statement per table. Values are inlined: a digit prefix and ISO dates made by the benchmark."""
    assert prefix.isdigit()
    p, a, b, o = f"'{prefix}'", f"DATE '{d0}'", f"DATE '{d1}'", f"DATE '{as_of}'"
    period = f"BETWEEN {a} AND {b}"
    rect = f"(status = 'closed' AND COALESCE(closed_on <= {o}, false))"
    return {
        "units": f"""
            SELECT COUNT(*) AS units, COUNT(*) FILTER (WHERE key_supervision) AS units_key
            FROM units WHERE starts_with(region_code, {p}) AND status <> 'closed'
              AND (is_active OR COALESCE(deactivated_on > {o}, false))""",
        # An outing is (group, day), or one inspection without a group; person-times per outing are
        # its distinct named officials, or the larger bare count of its inspections that name nobody.
        "inspections": f"""
            WITH i AS (SELECT id, unit_id, group_id, date, official_count, expert_count,
                              COALESCE(group_id, -id) AS gk
                       FROM inspections WHERE starts_with(region_code, {p}) AND date {period}),
                 po AS (SELECT i.gk, i.date, o.inspection_id, o.person_id
                        FROM i JOIN officials o ON o.inspection_id = i.id),
                 pe AS (SELECT i.gk, i.date, e.inspection_id, e.person_id
                        FROM i JOIN experts e ON e.inspection_id = i.id),
                 f AS (SELECT i.*, i.id IN (SELECT inspection_id FROM po) AS has_o,
                              i.id IN (SELECT inspection_id FROM pe) AS has_e FROM i),
                 outing AS (SELECT gk, date, MAX(group_id) AS g, COUNT(*) AS n,
                                   COALESCE(MAX(official_count) FILTER (WHERE NOT has_o), 0) AS oc,
                                   COALESCE(MAX(expert_count) FILTER (WHERE NOT has_e), 0) AS ec
                            FROM f GROUP BY gk, date),
                 no AS (SELECT gk, date, COUNT(DISTINCT person_id) AS n FROM po GROUP BY gk, date),
                 ne AS (SELECT gk, date, COUNT(DISTINCT person_id) AS n FROM pe GROUP BY gk, date)
            SELECT COUNT(DISTINCT o.g) AS inspection_groups, COUNT(*) AS outings,
                   COALESCE(SUM(o.n), 0) AS inspections,
                   COALESCE(SUM(GREATEST(COALESCE(no.n, 0), o.oc)), 0) AS inspector_visits,
                   COALESCE(SUM(GREATEST(COALESCE(ne.n, 0), o.ec)), 0) AS expert_visits,
                   (SELECT COUNT(DISTINCT unit_id) FROM i) AS units_inspected
            FROM outing o LEFT JOIN no USING (gk, date) LEFT JOIN ne USING (gk, date)""",
        "hazards": f"""
            WITH h AS (SELECT * FROM hazards WHERE starts_with(region_code, {p}))
            SELECT COUNT(*) FILTER (WHERE found_on {period}) AS hazards_found,
                   COUNT(*) FILTER (WHERE found_on {period} AND level = 'general') AS hazards_general_found,
                   COUNT(*) FILTER (WHERE found_on {period} AND level = 'general' AND {rect})
                       AS hazards_general_rectified,
                   COUNT(*) FILTER (WHERE found_on {period} AND level = 'major') AS hazards_major_found,
                   COUNT(*) FILTER (WHERE found_on {period} AND level = 'major' AND {rect}) AS hazards_major_rectified,
                   COUNT(*) FILTER (WHERE found_on {period} AND {rect}) AS hazards_rectified,
                   COUNT(*) FILTER (WHERE found_on <= {o} AND deadline < {o} AND NOT {rect}) AS hazards_overdue,
                   COUNT(*) FILTER (WHERE found_on <= {o} AND NOT {rect}) AS hazards_open,
                   (SELECT COUNT(DISTINCT s.hazard_id) FROM supervisions s JOIN h ON h.id = s.hazard_id
                    WHERE h.level = 'major' AND s.placed_on {period}) AS hazards_major_supervised
            FROM h""",
        "enforcement": f"""
            SELECT COUNT(DISTINCT unit_id) FILTER (WHERE kind = 'order_rectify') AS orders_rectify_units,
                   COUNT(*) FILTER (WHERE kind = 'case_filed') AS cases_filed,
                   COUNT(DISTINCT unit_id) FILTER (WHERE kind = 'case_filed') AS case_units,
                   COUNT(*) FILTER (WHERE kind = 'penalty') AS penalty_cases,
                   COUNT(DISTINCT unit_id) FILTER (WHERE kind = 'penalty') AS penalized_units,
                   COALESCE(SUM(COALESCE(fine_current, fine_initial)) FILTER (WHERE kind = 'penalty'), 0) AS fines_yuan,
                   COUNT(DISTINCT unit_id) FILTER (WHERE kind = 'suspend') AS suspended_units,
                   COUNT(DISTINCT unit_id) FILTER (WHERE kind = 'close') AS closed_units,
                   COUNT(*) FILTER (WHERE kind = 'license_suspend') AS licenses_suspended,
                   COUNT(*) FILTER (WHERE kind = 'license_revoke') AS licenses_revoked,
                   COUNT(*) FILTER (WHERE kind = 'transfer') AS cases_transferred,
                   COUNT(*) FILTER (WHERE kind = 'criminal') AS criminal_transfers
            FROM actions WHERE starts_with(region_code, {p}) AND date {period}""",
        "documents": f"""
            SELECT COUNT(*) AS documents_issued FROM documents
            WHERE starts_with(region_code, {p}) AND issued_on {period}""",
        # An event counts when one of the units it names is in the region; its named units count
        # only those in the region.
        "interviews": f"""
            WITH iu AS (SELECT iv.id, iv.kind, iv.persons, x.unit_id
                        FROM interviews iv JOIN interview_units x ON x.interview_id = iv.id
                        JOIN units u ON u.id = x.unit_id
                        WHERE starts_with(u.region_code, {p}) AND iv.date {period}),
                 ev AS (SELECT DISTINCT id, kind, persons FROM iu)
            SELECT (SELECT COUNT(*) FROM ev WHERE kind IN {TOLD}) AS interviews,
                   (SELECT COUNT(DISTINCT unit_id) FROM iu WHERE kind IN {TOLD}) AS interviewed_units,
                   (SELECT COALESCE(SUM(persons), 0) FROM ev WHERE kind IN {TOLD}) AS interviewed_persons,
                   (SELECT COUNT(*) FROM ev WHERE kind = 'exposure') AS exposures,
                   (SELECT COUNT(DISTINCT unit_id) FROM iu WHERE kind = 'exposure') AS exposed_units""",
        # Counted where the unit is; an accident without a unit, where it happened.
        "accidents": f"""
            SELECT COUNT(*) FILTER (WHERE category = 'production') AS accidents,
                   COALESCE(SUM(deaths) FILTER (WHERE category = 'production'), 0) AS deaths,
                   COALESCE(SUM(injuries) FILTER (WHERE category = 'production'), 0) AS injuries,
                   COALESCE(SUM(direct_loss) FILTER (WHERE category = 'production'), 0) AS direct_loss_yuan,
                   COUNT(*) FILTER (WHERE category = 'road' OR road) AS road_accidents,
                   COALESCE(SUM(deaths) FILTER (WHERE category = 'road' OR road), 0) AS road_deaths,
                   COUNT(*) FILTER (WHERE category = 'fire') AS fires,
                   COALESCE(SUM(deaths) FILTER (WHERE category = 'fire'), 0) AS fire_deaths
            FROM accidents a LEFT JOIN units u ON u.id = a.unit_id
            WHERE starts_with(COALESCE(u.region_code, a.region_code), {p}) AND a.occurred_on {period}""",
        "outreach": f"""
            SELECT COUNT(*) FILTER (WHERE kind = 'training') AS trainings,
                   COALESCE(SUM(attendees) FILTER (WHERE kind = 'training'), 0) AS training_attendees,
                   COUNT(*) FILTER (WHERE kind = 'drill') AS drills,
                   COALESCE(SUM(attendees) FILTER (WHERE kind = 'drill'), 0) AS drill_participants,
                   COUNT(*) FILTER (WHERE kind IN ('publicity', 'contest', 'film')) AS publicity_events,
                   COALESCE(SUM(materials), 0) AS materials_distributed
            FROM activities WHERE starts_with(region_code, {p}) AND date {period}""",
        # Tasks of the campaigns running in the period.
        "tasks": f"""
            SELECT COUNT(*) AS tasks_total, COUNT(*) FILTER (WHERE completed_on <= {o}) AS tasks_done,
                   COUNT(*) FILTER (WHERE due < {o} AND (completed_on IS NULL OR completed_on > {o})) AS tasks_overdue
            FROM tasks WHERE starts_with(region_code, {p}) AND campaign_start <= {b} AND campaign_end >= {a}""",
    }


class Duck:
    """A DuckDB connection with one view per Parquet file (or, with ``memory=True``, tables loaded in memory)."""

    def __init__(self, parquet_dir: Path, memory: bool = False, threads: int | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        kind = "TABLE" if memory else "VIEW"
        for name in EXPORTS:
            self.con.execute(f"CREATE {kind} {name} AS SELECT * FROM read_parquet('{parquet_dir / name}.parquet')")

    def compute(self, prefix: str, d0: dt.date, d1: dt.date, as_of: dt.date) -> dict[str, Any]:
        from anjian.stats import indicators as ind

        raw: dict[str, Any] = {}
        for sql in _sql(prefix, d0, d1, as_of).values():
            cur = self.con.execute(sql)
            names = [d[0] for d in cur.description]
            row = cur.fetchone()
            assert row is not None
            raw.update(zip(names, row, strict=True))
        out: dict[str, Any] = {}
        for i in ind.CATALOGUE:
            if i.kind == ind.RATE:
                num, den = (raw[c] for c in i.ratio)  # type: ignore[union-attr]
                out[i.code] = num / den if den else None
            elif i.kind == ind.MONEY_KIND:
                out[i.code] = Decimal(raw[i.code] or 0).quantize(Decimal("0.01"))
            else:
                out[i.code] = int(raw[i.code] or 0)
        return out

    def close(self) -> None:
        self.con.close()


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Indicator codes on which the two disagree (rates compared as the exact fractions they come from)."""
    return [f"{k}: ours {ours.get(k)!r} ≠ DuckDB {v!r}" for k, v in theirs.items() if ours.get(k) != v]
