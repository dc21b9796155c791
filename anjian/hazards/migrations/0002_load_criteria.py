from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

# Validity by document (DOMAIN.md §0 item 3): the 2017 工贸 list was repealed by 部令第10号 on 2023-05-15.
VALIDITY = {
    "安监总管三〔2017〕121号": (dt.date(2017, 11, 13), None),
    "安监总管四〔2017〕129号": (dt.date(2017, 11, 30), dt.date(2023, 5, 14)),
    "应急管理部令第10号": (dt.date(2023, 5, 15), None),
}
# Rows of the 10号令 table that are not criteria (scope, general provisions, entry into force).
NOT_CRITERIA = {"总则", "适用范围", "施行与废止"}


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    MajorCriterion = apps.get_model("hazards", "MajorCriterion")
    path = Path(__file__).resolve().parent.parent / "data" / "major_hazard_criteria.csv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["industry"] in NOT_CRITERIA:
                continue
            start, end = VALIDITY[row["doc_no"]]
            MajorCriterion.objects.create(
                standard=row["standard"], doc_no=row["doc_no"], industry=row["industry"], item=row["item"],
                text=row["text"], valid_from=start, valid_to=end,
            )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
