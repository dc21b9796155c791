"""Keep the documents' and outreach day figures exact (anjian/stats/cube_simple.py).

One generic trigger: ``stats_mark_days(family, date column, other columns read …)`` marks the row's
day, before and after, when one of the columns the figures read changed. PostgreSQL only, like
``0002_cube_triggers``; every day with documents or activities is marked stale at first.
"""

from __future__ import annotations

from django.db import migrations

from anjian.stats.migrations._vendor import on_postgres

CREATE = """
CREATE OR REPLACE FUNCTION stats_mark_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
    n jsonb;
    changed boolean := TG_OP <> 'UPDATE';
BEGIN
    IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
    -- TG_ARGV: the family, the date column, then the other columns the figures read.
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        IF (o -> TG_ARGV[i]) IS DISTINCT FROM (n -> TG_ARGV[i]) THEN changed := true; END IF;
    END LOOP;
    IF NOT changed THEN RETURN NULL; END IF;
    IF o IS NOT NULL THEN
        INSERT INTO stats_staleday (family, day) VALUES (TG_ARGV[0], (o ->> TG_ARGV[1])::date);
    END IF;
    IF n IS NOT NULL THEN
        INSERT INTO stats_staleday (family, day) VALUES (TG_ARGV[0], (n ->> TG_ARGV[1])::date);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION stats_clear_family() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_dayfigure WHERE left(measure, length(TG_ARGV[0]) + 1) = TG_ARGV[0] || ':';
    DELETE FROM stats_staleday WHERE family = TG_ARGV[0];
    RETURN NULL;
END $$;

CREATE TRIGGER stats_document_stale AFTER INSERT OR UPDATE OR DELETE ON enforcement_document
    FOR EACH ROW EXECUTE FUNCTION stats_mark_days('documents', 'issued_on', 'region_code');
CREATE TRIGGER stats_document_truncated AFTER TRUNCATE ON enforcement_document
    FOR EACH STATEMENT EXECUTE FUNCTION stats_clear_family('documents');
CREATE TRIGGER stats_activity_stale AFTER INSERT OR UPDATE OR DELETE ON outreach_activity
    FOR EACH ROW EXECUTE FUNCTION stats_mark_days('outreach', 'date', 'region_code', 'kind', 'attendees', 'materials');
CREATE TRIGGER stats_activity_truncated AFTER TRUNCATE ON outreach_activity
    FOR EACH STATEMENT EXECUTE FUNCTION stats_clear_family('outreach');

INSERT INTO stats_staleday (family, day) SELECT DISTINCT 'documents', issued_on FROM enforcement_document;
INSERT INTO stats_staleday (family, day) SELECT DISTINCT 'outreach', date FROM outreach_activity;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_document_stale ON enforcement_document;
DROP TRIGGER IF EXISTS stats_document_truncated ON enforcement_document;
DROP TRIGGER IF EXISTS stats_activity_stale ON outreach_activity;
DROP TRIGGER IF EXISTS stats_activity_truncated ON outreach_activity;
DROP FUNCTION IF EXISTS stats_mark_days();
DROP FUNCTION IF EXISTS stats_clear_family();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0004_cube_enforcement"),
        ("outreach", "0002_stats_index"),
    ]

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]
