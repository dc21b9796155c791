"""Keep the interviews' day figures exact (anjian/stats/cube_interviews.py): triggers mark the days a write changes.

An event's day, and for each unit it names the day of that unit's next event of the same class
(约谈/通报, or 曝光), whose "previous one" it may change; a unit that moves to another region (the
events count where their units are now) marks the day of every event naming it. PostgreSQL only,
like ``0002_cube_triggers``; every day with events is marked stale at first.
"""

from __future__ import annotations

from django.db import migrations

from anjian.stats.migrations._vendor import on_postgres

CREATE = """
CREATE OR REPLACE FUNCTION stats_interview_class(k varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN k IN ('interview', 'notice') THEN 't' WHEN k = 'exposure' THEN 'x' END
$$;

CREATE OR REPLACE FUNCTION stats_mark_named(u bigint, k varchar, d date, e bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_staleday (family, day) VALUES ('interviews', d);
    INSERT INTO stats_staleday (family, day)
        SELECT 'interviews', MIN(iv.date)
        FROM enforcement_interview_units x JOIN enforcement_interview iv ON iv.id = x.interview_id
        WHERE x.unit_id = u AND stats_interview_class(iv.kind) IS NOT DISTINCT FROM stats_interview_class(k)
          AND (iv.date, iv.id) > (d, e)
        HAVING MIN(iv.date) IS NOT NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_interview_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE u bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.date, OLD.kind, OLD.persons) IS NOT DISTINCT FROM (NEW.date, NEW.kind, NEW.persons)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO stats_staleday (family, day) VALUES ('interviews', OLD.date);
        FOR u IN SELECT unit_id FROM enforcement_interview_units WHERE interview_id = OLD.id LOOP
            PERFORM stats_mark_named(u, OLD.kind, OLD.date, OLD.id);
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO stats_staleday (family, day) VALUES ('interviews', NEW.date);
        FOR u IN SELECT unit_id FROM enforcement_interview_units WHERE interview_id = NEW.id LOOP
            PERFORM stats_mark_named(u, NEW.kind, NEW.date, NEW.id);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_interview_unit_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        FOR r IN SELECT kind, date FROM enforcement_interview WHERE id = OLD.interview_id LOOP
            PERFORM stats_mark_named(OLD.unit_id, r.kind, r.date, OLD.interview_id);
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        FOR r IN SELECT kind, date FROM enforcement_interview WHERE id = NEW.interview_id LOOP
            PERFORM stats_mark_named(NEW.unit_id, r.kind, r.date, NEW.interview_id);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_unit_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.region_code IS DISTINCT FROM NEW.region_code THEN
        INSERT INTO stats_staleday (family, day)
            SELECT DISTINCT 'interviews', iv.date
            FROM enforcement_interview_units x JOIN enforcement_interview iv ON iv.id = x.interview_id
            WHERE x.unit_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE fires no row trigger: the day rows go with the facts.
CREATE OR REPLACE FUNCTION stats_interview_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_dayfigure WHERE measure IN ('i:told', 'i:persons', 'i:exposed');
    DELETE FROM stats_daybymonth WHERE measure IN ('i:units_t', 'i:units_x');
    DELETE FROM stats_staleday WHERE family = 'interviews';
    RETURN NULL;
END $$;

CREATE TRIGGER stats_interview_stale AFTER INSERT OR UPDATE OR DELETE ON enforcement_interview
    FOR EACH ROW EXECUTE FUNCTION stats_interview_stale();
CREATE TRIGGER stats_interview_unit_stale AFTER INSERT OR UPDATE OR DELETE ON enforcement_interview_units
    FOR EACH ROW EXECUTE FUNCTION stats_interview_unit_stale();
CREATE TRIGGER stats_unit_moved AFTER UPDATE ON units_unit
    FOR EACH ROW EXECUTE FUNCTION stats_unit_moved();
CREATE TRIGGER stats_interview_truncated AFTER TRUNCATE ON enforcement_interview
    FOR EACH STATEMENT EXECUTE FUNCTION stats_interview_truncated();

INSERT INTO stats_staleday (family, day) SELECT DISTINCT 'interviews', date FROM enforcement_interview;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_interview_stale ON enforcement_interview;
DROP TRIGGER IF EXISTS stats_interview_unit_stale ON enforcement_interview_units;
DROP TRIGGER IF EXISTS stats_unit_moved ON units_unit;
DROP TRIGGER IF EXISTS stats_interview_truncated ON enforcement_interview;
DROP FUNCTION IF EXISTS stats_interview_stale();
DROP FUNCTION IF EXISTS stats_interview_unit_stale();
DROP FUNCTION IF EXISTS stats_unit_moved();
DROP FUNCTION IF EXISTS stats_interview_truncated();
DROP FUNCTION IF EXISTS stats_mark_named(bigint, varchar, date, bigint);
DROP FUNCTION IF EXISTS stats_interview_class(varchar);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0005_cube_documents_outreach"),
        ("enforcement", "0003_stats_indexes"),
        ("units", "0003_unit_list_order"),
    ]

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]
