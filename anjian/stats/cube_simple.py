"""Documents and outreach from the day rows (cube.py): figures that are counts and sums of one day's rows.

执法文书数 by the day issued; the training, drill and publicity figures by the activity's day.
Triggers (migration ``0005_cube_documents_outreach``) mark that day, before and after a change.
"""

from __future__ import annotations

from anjian.stats.cube import Additive

DOCUMENTS = Additive("documents", "document", "issued_on", {"documents_issued": "COUNT(*)"})
# indicators.py's outreach figures, on the activities' own columns.
OUTREACH = Additive("outreach", "activity", "date", {
    "trainings": "COUNT(*) FILTER (WHERE a.kind = 'training')",
    "training_attendees": "COALESCE(SUM(a.attendees) FILTER (WHERE a.kind = 'training'), 0)",
    "drills": "COUNT(*) FILTER (WHERE a.kind = 'drill')",
    "drill_participants": "COALESCE(SUM(a.attendees) FILTER (WHERE a.kind = 'drill'), 0)",
    "publicity_events": "COUNT(*) FILTER (WHERE a.kind IN ('publicity', 'contest', 'film'))",
    "materials_distributed": "COALESCE(SUM(a.materials), 0)",
})  # fmt: skip
FAMILIES = (DOCUMENTS, OUTREACH)
