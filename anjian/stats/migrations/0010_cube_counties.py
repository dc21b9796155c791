"""Counties too are kept per day (anjian/stats/cube.py ``LEVELS``): their three-year figures no longer
read the facts (docs/performance.md, issue 5: the largest county's outings over three years).

The "next inspection/action of the same unit" is now marked in the county as well, and every day
of every family is marked stale, so that the refresher builds the counties' rows (or run
``anjian stats-cube rebuild``). PostgreSQL only, like ``0002_cube_triggers``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION stats_mark_inspection(u bigint, g bigint, rc varchar, d date, i bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE lvl int;
BEGIN
    INSERT INTO stats_staleday (family, day) VALUES ('inspections', d);
    FOREACH lvl IN ARRAY ARRAY[2, 4, 6] LOOP
        INSERT INTO stats_staleday (family, day)
            SELECT 'inspections', MIN(j.date) FROM inspections_inspection j
            WHERE j.unit_id = u AND substr(j.region_code, 1, lvl) = substr(rc, 1, lvl)
              AND (j.date, j.id) > (d, i)
            HAVING MIN(j.date) IS NOT NULL;
        IF g IS NOT NULL THEN
            INSERT INTO stats_staleday (family, day)
                SELECT 'inspections', MIN(j.date) FROM inspections_inspection j
                WHERE j.group_id = g AND substr(j.region_code, 1, lvl) = substr(rc, 1, lvl) AND j.date > d
                HAVING MIN(j.date) IS NOT NULL;
        END IF;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION stats_mark_action(u bigint, k varchar, rc varchar, d date, i bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE lvl int;
BEGIN
    INSERT INTO stats_staleday (family, day) VALUES ('enforcement', d);
    FOREACH lvl IN ARRAY ARRAY[2, 4, 6] LOOP
        INSERT INTO stats_staleday (family, day)
            SELECT 'enforcement', MIN(j.date) FROM enforcement_enforcementaction j
            WHERE j.unit_id = u AND j.kind = k AND substr(j.region_code, 1, lvl) = substr(rc, 1, lvl)
              AND (j.date, j.id) > (d, i)
            HAVING MIN(j.date) IS NOT NULL;
    END LOOP;
END $$;


INSERT INTO stats_staleday (family, day)
    SELECT DISTINCT 'inspections', date FROM inspections_inspection
    UNION SELECT 'hazards', x FROM (
        SELECT found_on AS x FROM hazards_hazard
        UNION SELECT deadline + 1 FROM hazards_hazard
        UNION SELECT closed_on FROM hazards_hazard WHERE status = 'closed') h WHERE x IS NOT NULL
    UNION SELECT DISTINCT 'enforcement', date FROM enforcement_enforcementaction
    UNION SELECT DISTINCT 'documents', issued_on FROM enforcement_document
    UNION SELECT DISTINCT 'outreach', date FROM outreach_activity
    UNION SELECT DISTINCT 'interviews', date FROM enforcement_interview
    UNION SELECT 'units', x FROM (
        SELECT (created_at AT TIME ZONE '{tz}')::date AS x FROM units_unit
        UNION SELECT (deactivated_at AT TIME ZONE '{tz}')::date FROM units_unit) u WHERE x IS NOT NULL;
"""


def _run(apps: Any, schema_editor: Any) -> None:
    from django.conf import settings

    if schema_editor.connection.vendor == "postgresql":
        assert all(c.isalnum() or c in "/_+-" for c in settings.TIME_ZONE), settings.TIME_ZONE
        schema_editor.execute(CREATE.replace("{tz}", settings.TIME_ZONE))


class Migration(migrations.Migration):
    dependencies = [("stats", "0009_prefix_length")]

    # Backwards: the functions with three levels mark one level more than needed, which is harmless.
    operations = [migrations.RunPython(_run, migrations.RunPython.noop)]
