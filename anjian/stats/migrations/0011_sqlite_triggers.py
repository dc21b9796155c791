"""SQLite keeps the day figures exact too (anjian/stats/cube.py): the triggers of ``0002`` … ``0010``, in SQLite.

The same marks as PostgreSQL's final functions, row by row: SQLite has no functions, so each
``stats_mark_*`` is written out in the trigger of each event (AFTER INSERT, UPDATE, DELETE), an
UPDATE that changes nothing the figures read is skipped by the trigger's ``WHEN``, and the loops
over region levels become one statement per level. There is no TRUNCATE in SQLite (a DELETE
without WHERE fires the row triggers), so no statement triggers. SQLite runs a row's AFTER trigger
right after that row, PostgreSQL at the end of the statement: a statement writing several rows may
mark other "next" days, each as the rows' writes one by one would, which keeps every changed day
marked. A unit's local day is its UTC timestamp shifted by settings.TIME_ZONE's fixed offset
(``sqlite_local_day_modifier``; with a zone of summer time no trigger is made and the day rows stay
off on SQLite, ``cube.enabled``). SQLite only; every day of
every family is marked stale at first, like ``0010_cube_counties``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from anjian.stats.migrations._vendor import on_sqlite, sqlite_local_day_modifier

LEVELS = (2, 4, 6)  # region prefixes kept per day (cube.py LEVELS): province, city, county


def _mark(family: str, day: str) -> str:
    return f"INSERT INTO stats_staleday (family, day) VALUES ('{family}', {day});"


def _mark_next(family: str, select_min: str) -> str:
    # MIN over no row is one NULL row: no mark then (PostgreSQL's HAVING MIN(...) IS NOT NULL).
    return f"INSERT INTO stats_staleday (family, day) SELECT '{family}', m FROM ({select_min}) WHERE m IS NOT NULL;"


def _changed(*expressions: str) -> str:
    """The WHEN of an UPDATE trigger: one of what the figures read changed (IS NOT: NULL-safe)."""
    return " OR ".join(f"({e.format(r='OLD')}) IS NOT ({e.format(r='NEW')})" for e in expressions)


def _triggers(name: str, table: str, body: str, *read: str) -> str:
    """AFTER INSERT, UPDATE (when one of ``read`` changed) and DELETE row triggers marking ``body``'s
    days, ``{r}`` being NEW, OLD and NEW, OLD."""
    return f"""
CREATE TRIGGER {name}_insert AFTER INSERT ON {table} FOR EACH ROW BEGIN
{body.format(r="NEW")}
END;
CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW{" WHEN " + _changed(*read) if read else ""} BEGIN
{body.format(r="OLD")}
{body.format(r="NEW")}
END;
CREATE TRIGGER {name}_delete AFTER DELETE ON {table} FOR EACH ROW BEGIN
{body.format(r="OLD")}
END;
"""


# 0002 and 0010 stats_mark_inspection: an inspection's day, and the next one of the same unit and of
# the same group in each kept region level, whose "previous inspection" it may change.
MARK_INSPECTION = "\n".join(
    [_mark("inspections", "{r}.date")]
    + [
        line
        for lvl in LEVELS
        for line in (
            _mark_next("inspections", f"""SELECT MIN(j.date) AS m FROM inspections_inspection j
                WHERE j.unit_id = {{r}}.unit_id
                  AND substr(j.region_code, 1, {lvl}) = substr({{r}}.region_code, 1, {lvl})
                  AND (j.date, j.id) > ({{r}}.date, {{r}}.id)"""),
            _mark_next("inspections", f"""SELECT MIN(j.date) AS m FROM inspections_inspection j
                WHERE {{r}}.group_id IS NOT NULL AND j.group_id = {{r}}.group_id
                  AND substr(j.region_code, 1, {lvl}) = substr({{r}}.region_code, 1, {lvl}) AND j.date > {{r}}.date"""),
        )
    ]
)
# 0002 stats_inspection_people_stale: an official or expert counts on the inspection's day.
MARK_INSPECTION_PEOPLE = """INSERT INTO stats_staleday (family, day)
    SELECT 'inspections', date FROM inspections_inspection WHERE id = {r}.inspection_id;"""

# 0003 stats_mark_hazard: found_on, deadline + 1 and the day of 销号 (closed_on of a closed hazard).
HAZARD_DAYS = ("{h}found_on", "date({h}deadline, '+1 day')", "CASE WHEN {h}status = 'closed' THEN {h}closed_on END")
MARK_HAZARD = "INSERT INTO stats_staleday (family, day) SELECT 'hazards', x FROM ({}) WHERE x IS NOT NULL;".format(
    " UNION ALL ".join(f"SELECT {d.format(h='{r}.')} AS x" for d in HAZARD_DAYS)
)

# 0004 and 0010 stats_mark_action: an action's day, and the next action of the same kind on its unit
# in each kept region level.
MARK_ACTION = "\n".join(
    [_mark("enforcement", "{r}.date")]
    + [
        _mark_next("enforcement", f"""SELECT MIN(j.date) AS m FROM enforcement_enforcementaction j
            WHERE j.unit_id = {{r}}.unit_id AND j.kind = {{r}}.kind
              AND substr(j.region_code, 1, {lvl}) = substr({{r}}.region_code, 1, {lvl})
              AND (j.date, j.id) > ({{r}}.date, {{r}}.id)""")
        for lvl in LEVELS
    ]
)

# 0006 stats_interview_class: 约谈 and 通报 count together, 曝光 apart.
CLASS = "CASE WHEN {k} IN ('interview', 'notice') THEN 't' WHEN {k} = 'exposure' THEN 'x' END"


def _next_named(unit: str, kind: str, day: str, event: str) -> str:
    """0006 stats_mark_named's second mark: the day of the unit's next event of the same class."""
    return f"""SELECT MIN(j.date)
            FROM enforcement_interview_units x JOIN enforcement_interview j ON j.id = x.interview_id
            WHERE x.unit_id = {unit} AND ({CLASS.format(k="j.kind")}) IS ({CLASS.format(k=kind)})
              AND (j.date, j.id) > ({day}, {event})"""


# 0006 stats_interview_stale: the event's day, and for each unit it names that unit's next event
# (stats_mark_named's mark of the event's own day is the first statement's).
MARK_INTERVIEW = "\n".join([
    _mark("interviews", "{r}.date"),
    _mark_next("interviews", f"""SELECT ({_next_named("y.unit_id", "{r}.kind", "{r}.date", "{r}.id")}) AS m
        FROM enforcement_interview_units y WHERE y.interview_id = {{r}}.id"""),
])
# 0006 stats_interview_unit_stale: a unit named or no longer named marks the event's day and its next one.
MARK_INTERVIEW_UNIT = "\n".join([
    """INSERT INTO stats_staleday (family, day)
    SELECT 'interviews', date FROM enforcement_interview WHERE id = {r}.interview_id;""",
    _mark_next("interviews", f"""SELECT ({_next_named("{r}.unit_id", "e.kind", "e.date", "{r}.interview_id")}) AS m
        FROM enforcement_interview e WHERE e.id = {{r}}.interview_id"""),
])

# 0007 stats_unit_stale: a unit's rows are dated the local days it was created and deregistered.
MARK_UNIT = """INSERT INTO stats_staleday (family, day)
    SELECT 'units', x FROM (SELECT date({r}.created_at, '{{local}}') AS x
                            UNION ALL SELECT date({r}.deactivated_at, '{{local}}'))
    WHERE x IS NOT NULL;"""

# 0005 stats_mark_days: a plain sum per day, marked when its day or another column read changed.
MARK_DAY = "INSERT INTO stats_staleday (family, day) VALUES ('{family}', {{r}}.{column});"

CREATE = (
    _triggers(
        "stats_inspection", "inspections_inspection", MARK_INSPECTION,
        # Only the columns the statistics read; a changed finding or signature changes no figure.
        "{r}.date", "{r}.unit_id", "{r}.group_id", "{r}.region_code", "{r}.official_count", "{r}.expert_count",
    )
    + _triggers("stats_inspection_officials", "inspections_inspection_officials", MARK_INSPECTION_PEOPLE)
    + _triggers("stats_inspection_experts", "inspections_inspection_experts", MARK_INSPECTION_PEOPLE)
    + _triggers(
        "stats_hazard", "hazards_hazard", MARK_HAZARD,
        # Only what the figures read (0008: the unit too): a hazard moving between states short of
        # 销号 changes none.
        "{r}.found_on", "{r}.deadline", "{r}.level", "{r}.region_code", "{r}.unit_id", "{r}.status = 'closed'",
        "CASE WHEN {r}.status = 'closed' THEN {r}.closed_on END",
    )
    + _triggers(
        "stats_action", "enforcement_enforcementaction", MARK_ACTION,
        "{r}.date", "{r}.unit_id", "{r}.kind", "{r}.region_code", "{r}.fine_current", "{r}.fine_initial",
    )
    + _triggers(
        "stats_document", "enforcement_document", MARK_DAY.format(family="documents", column="issued_on"),
        "{r}.issued_on", "{r}.region_code",
    )
    + _triggers(
        "stats_activity", "outreach_activity", MARK_DAY.format(family="outreach", column="date"),
        "{r}.date", "{r}.region_code", "{r}.kind", "{r}.attendees", "{r}.materials",
    )
    + _triggers("stats_interview", "enforcement_interview", MARK_INTERVIEW, "{r}.date", "{r}.kind", "{r}.persons")
    + _triggers("stats_interview_unit", "enforcement_interview_units", MARK_INTERVIEW_UNIT)
    + _triggers(
        "stats_unit", "units_unit", MARK_UNIT,
        "{r}.region_code", "{r}.status = 'closed'", "{r}.is_active", "{r}.deactivated_at", "{r}.key_supervision",
        "{r}.created_at",
    )
    + f"""
-- 0006 stats_unit_moved: the events count where their units are now.
CREATE TRIGGER stats_unit_moved AFTER UPDATE ON units_unit FOR EACH ROW
WHEN OLD.region_code IS NOT NEW.region_code BEGIN
INSERT INTO stats_staleday (family, day)
    SELECT DISTINCT 'interviews', iv.date
    FROM enforcement_interview_units x JOIN enforcement_interview iv ON iv.id = x.interview_id
    WHERE x.unit_id = NEW.id;
END;
-- 0008 stats_unit_sector: the province's rows by sector count hazards and inspections under their unit's sector now.
CREATE TRIGGER stats_unit_sector AFTER UPDATE ON units_unit FOR EACH ROW
WHEN OLD.sector_id IS NOT NEW.sector_id BEGIN
INSERT INTO stats_staleday (family, day)
    SELECT 'hazards', x FROM ({
        " UNION ".join(f"SELECT {d.format(h='h.')} AS x FROM hazards_hazard h WHERE h.unit_id = NEW.id"
                       for d in HAZARD_DAYS)
    }) WHERE x IS NOT NULL;
INSERT INTO stats_staleday (family, day)
    SELECT DISTINCT 'inspections', i.date FROM inspections_inspection i WHERE i.unit_id = NEW.id;
END;

INSERT INTO stats_staleday (family, day)
    SELECT DISTINCT 'inspections', date FROM inspections_inspection
    UNION SELECT 'hazards', x FROM (
        SELECT found_on AS x FROM hazards_hazard
        UNION SELECT date(deadline, '+1 day') FROM hazards_hazard
        UNION SELECT closed_on FROM hazards_hazard WHERE status = 'closed') h WHERE x IS NOT NULL
    UNION SELECT DISTINCT 'enforcement', date FROM enforcement_enforcementaction
    UNION SELECT DISTINCT 'documents', issued_on FROM enforcement_document
    UNION SELECT DISTINCT 'outreach', date FROM outreach_activity
    UNION SELECT DISTINCT 'interviews', date FROM enforcement_interview
    UNION SELECT 'units', x FROM (
        SELECT date(created_at, '{{local}}') AS x FROM units_unit
        UNION SELECT date(deactivated_at, '{{local}}') FROM units_unit) u WHERE x IS NOT NULL;
"""
)  # fmt: skip

TRIGGERS = [
    f"{name}_{event}"
    for name in (
        "stats_inspection", "stats_inspection_officials", "stats_inspection_experts", "stats_hazard", "stats_action",
        "stats_document", "stats_activity", "stats_interview", "stats_interview_unit", "stats_unit",
    )
    for event in ("insert", "update", "delete")
] + ["stats_unit_moved", "stats_unit_sector"]  # fmt: skip
DROP = "\n".join(f"DROP TRIGGER IF EXISTS {t};" for t in TRIGGERS)


def _create(apps: Any, schema_editor: Any) -> None:
    from django.conf import settings

    if schema_editor.connection.vendor != "sqlite":
        return
    try:
        # A modifier made of a number ('+480 minutes'), not of the zone's name.
        local = sqlite_local_day_modifier(settings.TIME_ZONE)
    except ValueError:
        # A zone with summer time: the day rows stay off on SQLite (cube.enabled), no marks needed.
        return
    on_sqlite(CREATE.replace("{local}", local))(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0010_cube_counties"),
        ("inspections", "0004_stats_index"),
        ("hazards", "0006_stats_major_index"),
        ("enforcement", "0003_stats_indexes"),
        ("outreach", "0002_stats_index"),
        ("units", "0004_stats_day_indexes"),
    ]

    operations = [migrations.RunPython(_create, on_sqlite(DROP))]
