"""The province's rows by sector (cube_hazards, cube_inspections: the dashboard's sector chart) follow the unit.

They count a hazard or an inspection under its unit's sector now: a unit that changes sector marks
the days of its hazards (found, deadline + 1, closed) and of its inspections, and a hazard moved
to another unit marks its own days (the hazards' trigger now compares ``unit_id`` too).
PostgreSQL only, like ``0002_cube_triggers``; the days of every hazard and inspection are marked
stale, so the refresher builds the new rows.
"""

from __future__ import annotations

from django.db import migrations

from anjian.stats.migrations._vendor import on_postgres

CREATE = """
CREATE OR REPLACE FUNCTION stats_hazard_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only what the figures read: a hazard moving between states short of 销号 changes none.
    IF TG_OP = 'UPDATE' AND (OLD.found_on, OLD.deadline, OLD.level, OLD.region_code, OLD.unit_id,
                             OLD.status = 'closed', CASE WHEN OLD.status = 'closed' THEN OLD.closed_on END)
        IS NOT DISTINCT FROM (NEW.found_on, NEW.deadline, NEW.level, NEW.region_code, NEW.unit_id,
                              NEW.status = 'closed', CASE WHEN NEW.status = 'closed' THEN NEW.closed_on END) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark_hazard(OLD.found_on, OLD.deadline,
                                  CASE WHEN OLD.status = 'closed' THEN OLD.closed_on END);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark_hazard(NEW.found_on, NEW.deadline,
                                  CASE WHEN NEW.status = 'closed' THEN NEW.closed_on END);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_unit_sector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.sector_id IS DISTINCT FROM NEW.sector_id THEN
        PERFORM stats_mark_hazard(h.found_on, h.deadline, CASE WHEN h.status = 'closed' THEN h.closed_on END)
            FROM hazards_hazard h WHERE h.unit_id = NEW.id;
        INSERT INTO stats_staleday (family, day)
            SELECT DISTINCT 'inspections', i.date FROM inspections_inspection i WHERE i.unit_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER stats_unit_sector AFTER UPDATE ON units_unit
    FOR EACH ROW EXECUTE FUNCTION stats_unit_sector();

INSERT INTO stats_staleday (family, day) SELECT DISTINCT 'inspections', date FROM inspections_inspection;
INSERT INTO stats_staleday (family, day)
    SELECT 'hazards', x FROM (
        SELECT found_on AS x FROM hazards_hazard
        UNION SELECT deadline + 1 FROM hazards_hazard
        UNION SELECT closed_on FROM hazards_hazard WHERE status = 'closed'
    ) d WHERE x IS NOT NULL;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_unit_sector ON units_unit;
DROP FUNCTION IF EXISTS stats_unit_sector();
"""


class Migration(migrations.Migration):
    dependencies = [("stats", "0007_cube_units")]

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]
