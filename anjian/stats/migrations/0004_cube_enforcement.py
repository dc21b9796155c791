"""Keep the enforcement day figures exact (anjian/stats/cube_enforcement.py): triggers mark the days a write changes.

An action's day, and the day of the next action of the same kind on its unit in each region level,
whose "previous one" (the units of a kind over a period) it may change. PostgreSQL only, like
``0002_cube_triggers``; every day with actions is marked stale at first.
"""

from __future__ import annotations

from django.db import migrations

from anjian.stats.migrations._vendor import on_postgres

CREATE = """
CREATE OR REPLACE FUNCTION stats_mark_action(u bigint, k varchar, rc varchar, d date, i bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE lvl int;
BEGIN
    INSERT INTO stats_staleday (family, day) VALUES ('enforcement', d);
    FOREACH lvl IN ARRAY ARRAY[2, 4] LOOP
        INSERT INTO stats_staleday (family, day)
            SELECT 'enforcement', MIN(j.date) FROM enforcement_enforcementaction j
            WHERE j.unit_id = u AND j.kind = k AND substr(j.region_code, 1, lvl) = substr(rc, 1, lvl)
              AND (j.date, j.id) > (d, i)
            HAVING MIN(j.date) IS NOT NULL;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION stats_action_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the columns the statistics read.
    IF TG_OP = 'UPDATE' AND (OLD.date, OLD.unit_id, OLD.kind, OLD.region_code, OLD.fine_current, OLD.fine_initial)
        IS NOT DISTINCT FROM (NEW.date, NEW.unit_id, NEW.kind, NEW.region_code, NEW.fine_current, NEW.fine_initial)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark_action(OLD.unit_id, OLD.kind, OLD.region_code, OLD.date, OLD.id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark_action(NEW.unit_id, NEW.kind, NEW.region_code, NEW.date, NEW.id);
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE fires no row trigger: the day rows go with the facts.
CREATE OR REPLACE FUNCTION stats_action_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_dayfigure WHERE measure IN (
        'e_n_case_filed', 'e_n_penalty', 'e_n_license_suspend', 'e_n_license_revoke', 'e_n_transfer',
        'e_n_criminal', 'e_fine_fen');
    DELETE FROM stats_daybymonth WHERE measure IN (
        'e_units_order_rectify', 'e_units_case_filed', 'e_units_penalty', 'e_units_suspend', 'e_units_close');
    DELETE FROM stats_staleday WHERE family = 'enforcement';
    RETURN NULL;
END $$;

CREATE TRIGGER stats_action_stale AFTER INSERT OR UPDATE OR DELETE ON enforcement_enforcementaction
    FOR EACH ROW EXECUTE FUNCTION stats_action_stale();
CREATE TRIGGER stats_action_truncated AFTER TRUNCATE ON enforcement_enforcementaction
    FOR EACH STATEMENT EXECUTE FUNCTION stats_action_truncated();

INSERT INTO stats_staleday (family, day) SELECT DISTINCT 'enforcement', date FROM enforcement_enforcementaction;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_action_stale ON enforcement_enforcementaction;
DROP TRIGGER IF EXISTS stats_action_truncated ON enforcement_enforcementaction;
DROP FUNCTION IF EXISTS stats_action_stale();
DROP FUNCTION IF EXISTS stats_action_truncated();
DROP FUNCTION IF EXISTS stats_mark_action(bigint, varchar, varchar, date, bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0003_cube_hazards"),
        ("enforcement", "0003_stats_indexes"),
    ]

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]
