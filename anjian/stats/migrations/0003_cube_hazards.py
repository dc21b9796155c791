"""Keep the hazards' day figures exact (anjian/stats/cube_hazards.py): triggers mark the days a write changes.

Every day row a hazard counts in is dated its ``found_on``, ``deadline + 1`` or its closing day
(销号, ``closed_on`` of a closed hazard): those are marked, before and after the change. PostgreSQL
only, like ``0002_cube_triggers``; every day with hazards is marked stale at first.
"""

from __future__ import annotations

from django.db import migrations

from anjian.stats.migrations._vendor import on_postgres

CREATE = """
CREATE OR REPLACE FUNCTION stats_mark_hazard(found_day date, deadline_day date, closed_day date)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_staleday (family, day)
        SELECT 'hazards', x FROM unnest(ARRAY[found_day, deadline_day + 1, closed_day]) x WHERE x IS NOT NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_hazard_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only what the figures read: a hazard moving between states short of 销号 changes none.
    IF TG_OP = 'UPDATE' AND (OLD.found_on, OLD.deadline, OLD.level, OLD.region_code, OLD.status = 'closed',
                             CASE WHEN OLD.status = 'closed' THEN OLD.closed_on END)
        IS NOT DISTINCT FROM (NEW.found_on, NEW.deadline, NEW.level, NEW.region_code, NEW.status = 'closed',
                              CASE WHEN NEW.status = 'closed' THEN NEW.closed_on END) THEN
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

-- TRUNCATE fires no row trigger: the day rows go with the facts.
CREATE OR REPLACE FUNCTION stats_hazard_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_dayfigure
        WHERE measure IN ('h_found', 'h_found_general', 'h_found_major', 'h_open_out', 'h_overdue_in', 'h_overdue_out');
    DELETE FROM stats_daybymonth WHERE measure IN ('h_rect', 'h_rect_general', 'h_rect_major');
    DELETE FROM stats_staleday WHERE family = 'hazards';
    RETURN NULL;
END $$;

CREATE TRIGGER stats_hazard_stale AFTER INSERT OR UPDATE OR DELETE ON hazards_hazard
    FOR EACH ROW EXECUTE FUNCTION stats_hazard_stale();
CREATE TRIGGER stats_hazard_truncated AFTER TRUNCATE ON hazards_hazard
    FOR EACH STATEMENT EXECUTE FUNCTION stats_hazard_truncated();

INSERT INTO stats_staleday (family, day)
    SELECT 'hazards', x FROM (
        SELECT found_on AS x FROM hazards_hazard
        UNION SELECT deadline + 1 FROM hazards_hazard
        UNION SELECT closed_on FROM hazards_hazard WHERE status = 'closed'
    ) d WHERE x IS NOT NULL;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_hazard_stale ON hazards_hazard;
DROP TRIGGER IF EXISTS stats_hazard_truncated ON hazards_hazard;
DROP FUNCTION IF EXISTS stats_hazard_stale();
DROP FUNCTION IF EXISTS stats_hazard_truncated();
DROP FUNCTION IF EXISTS stats_mark_hazard(date, date, date);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_cube_triggers"),
        ("hazards", "0005_stats_index"),
    ]

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]
