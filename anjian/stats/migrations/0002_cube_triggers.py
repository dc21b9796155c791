"""Keep the day figures exact (anjian/stats/cube.py): triggers mark the days a write changes.

PostgreSQL only: the day figures are read only there (``cube.enabled``). Every inspection day is
marked stale at first, so the figures are computed from the facts until ``cube.refresh`` (the
job, or ``anjian stats-cube refresh``) has built the day rows.
"""

from __future__ import annotations

from django.db import migrations

from anjian.stats.migrations._vendor import on_postgres

# The days whose rows a change of inspection (unit u, group g, region rc, day d, id i) makes stale:
# its own, and the next one of the same unit and of the same group in each kept region level, whose
# "previous inspection" (cube.py, DayByMonth) it may change.
CREATE = """
CREATE OR REPLACE FUNCTION stats_mark_inspection(u bigint, g bigint, rc varchar, d date, i bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE lvl int;
BEGIN
    INSERT INTO stats_staleday (family, day) VALUES ('inspections', d);
    FOREACH lvl IN ARRAY ARRAY[2, 4] LOOP
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

CREATE OR REPLACE FUNCTION stats_inspection_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the columns the statistics read; a changed finding or signature changes no figure.
    IF TG_OP = 'UPDATE' AND (OLD.date, OLD.unit_id, OLD.group_id, OLD.region_code, OLD.official_count,
                             OLD.expert_count)
        IS NOT DISTINCT FROM (NEW.date, NEW.unit_id, NEW.group_id, NEW.region_code, NEW.official_count,
                              NEW.expert_count) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark_inspection(OLD.unit_id, OLD.group_id, OLD.region_code, OLD.date, OLD.id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark_inspection(NEW.unit_id, NEW.group_id, NEW.region_code, NEW.date, NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_inspection_people_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO stats_staleday (family, day)
            SELECT 'inspections', date FROM inspections_inspection WHERE id = OLD.inspection_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO stats_staleday (family, day)
            SELECT 'inspections', date FROM inspections_inspection WHERE id = NEW.inspection_id;
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE fires no row trigger: the day rows go with the facts.
CREATE OR REPLACE FUNCTION stats_inspection_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_dayfigure WHERE measure IN ('outings', 'inspections', 'inspector_visits', 'expert_visits');
    DELETE FROM stats_daybymonth WHERE measure IN ('units_inspected', 'inspection_groups');
    DELETE FROM stats_staleday WHERE family = 'inspections';
    RETURN NULL;
END $$;

CREATE TRIGGER stats_inspection_stale AFTER INSERT OR UPDATE OR DELETE ON inspections_inspection
    FOR EACH ROW EXECUTE FUNCTION stats_inspection_stale();
CREATE TRIGGER stats_inspection_officials_stale AFTER INSERT OR UPDATE OR DELETE
    ON inspections_inspection_officials FOR EACH ROW EXECUTE FUNCTION stats_inspection_people_stale();
CREATE TRIGGER stats_inspection_experts_stale AFTER INSERT OR UPDATE OR DELETE
    ON inspections_inspection_experts FOR EACH ROW EXECUTE FUNCTION stats_inspection_people_stale();
CREATE TRIGGER stats_inspection_truncated AFTER TRUNCATE ON inspections_inspection
    FOR EACH STATEMENT EXECUTE FUNCTION stats_inspection_truncated();

INSERT INTO stats_staleday (family, day) SELECT DISTINCT 'inspections', date FROM inspections_inspection;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_inspection_stale ON inspections_inspection;
DROP TRIGGER IF EXISTS stats_inspection_officials_stale ON inspections_inspection_officials;
DROP TRIGGER IF EXISTS stats_inspection_experts_stale ON inspections_inspection_experts;
DROP TRIGGER IF EXISTS stats_inspection_truncated ON inspections_inspection;
DROP FUNCTION IF EXISTS stats_inspection_stale();
DROP FUNCTION IF EXISTS stats_inspection_people_stale();
DROP FUNCTION IF EXISTS stats_inspection_truncated();
DROP FUNCTION IF EXISTS stats_mark_inspection(bigint, bigint, varchar, date, bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("inspections", "0004_stats_index"),
    ]

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]
