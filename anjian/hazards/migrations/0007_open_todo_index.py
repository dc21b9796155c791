"""The open hazards of a region, index-only: the to-do counts of every page's navigation (web/todo.py)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hazards", "0006_stats_major_index")]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(("status__in", ["rectifying", "reported", "submitted"])),
                fields=["region_code", "status", "level", "deadline"],
                include=("id",),
                name="hazard_open_todo",
                opclasses=["varchar_pattern_ops", "varchar_ops", "varchar_ops", "date_ops"],
            ),
        ),
    ]
