from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from anjian.units.sectors import SECTORS

    Sector = apps.get_model("units", "Sector")
    for order, (code, name, high_risk) in enumerate(SECTORS):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "high_risk": high_risk, "order": order})


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
