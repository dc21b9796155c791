"""Keep the registry's day rows exact (anjian/stats/cube_units.py): triggers mark the days a write changes.

A unit's rows are dated the local day it was created and the local day it was deregistered
(settings.TIME_ZONE, as Django's ``__date`` reads them): both are marked, before and after a change
of what the figures read. PostgreSQL only, like ``0002_cube_triggers``; every such day is marked
stale at first. Changing TIME_ZONE later needs ``anjian stats-cube rebuild``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION stats_unit_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.region_code, OLD.status = 'closed', OLD.is_active, OLD.deactivated_at,
                             OLD.key_supervision, OLD.created_at)
        IS NOT DISTINCT FROM (NEW.region_code, NEW.status = 'closed', NEW.is_active, NEW.deactivated_at,
                              NEW.key_supervision, NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO stats_staleday (family, day)
            SELECT 'units', x FROM unnest(ARRAY[(OLD.created_at AT TIME ZONE '{tz}')::date,
                                                (OLD.deactivated_at AT TIME ZONE '{tz}')::date]) x
            WHERE x IS NOT NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO stats_staleday (family, day)
            SELECT 'units', x FROM unnest(ARRAY[(NEW.created_at AT TIME ZONE '{tz}')::date,
                                                (NEW.deactivated_at AT TIME ZONE '{tz}')::date]) x
            WHERE x IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER stats_unit_stale AFTER INSERT OR UPDATE OR DELETE ON units_unit
    FOR EACH ROW EXECUTE FUNCTION stats_unit_stale();
CREATE TRIGGER stats_unit_truncated AFTER TRUNCATE ON units_unit
    FOR EACH STATEMENT EXECUTE FUNCTION stats_clear_family('units');

INSERT INTO stats_staleday (family, day)
    SELECT DISTINCT 'units', x FROM (
        SELECT (created_at AT TIME ZONE '{tz}')::date AS x FROM units_unit
        UNION SELECT (deactivated_at AT TIME ZONE '{tz}')::date FROM units_unit
    ) d WHERE x IS NOT NULL;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_unit_stale ON units_unit;
DROP TRIGGER IF EXISTS stats_unit_truncated ON units_unit;
DROP FUNCTION IF EXISTS stats_unit_stale();
"""


def _run(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # A zone name from our own settings (letters, digits, / _ + -), not user input.
            assert all(c.isalnum() or c in "/_+-" for c in settings.TIME_ZONE), settings.TIME_ZONE
            schema_editor.execute(sql.replace("{tz}", settings.TIME_ZONE))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0006_cube_interviews"),
        ("units", "0004_stats_day_indexes"),
    ]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
