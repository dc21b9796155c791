"""Downloads of the three lists (隐患清单, 措施清单, 责任清单) of the current filtered hazards.

``GET …/lists/<kind>.xlsx?<the hazard list's query string>``; ``kind`` is ``hazards``,
``measures`` or ``duties``. Scope is the user's, as on the list page; every download is audited.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, cast

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from anjian.core import audit
from anjian.hazards.lists import LISTS, filename, write_list
from anjian.web.downloads import XLSX

if TYPE_CHECKING:
    from anjian.accounts.models import User



@login_required
def download(request: HttpRequest, kind: str) -> FileResponse:
    if kind not in LISTS:
        raise Http404("没有这个清单")
    user = cast("User", request.user)
    params = dict(request.GET.items())
    # An anonymous temporary file: gone from the disk as soon as the response closes it.
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    count = write_list(kind, user, params, handle)
    handle.seek(0)
    audit.record(
        actor=user,
        action=f"hazards.list.{kind}",
        changes={"list": LISTS[kind].title, "rows": count, "filters": params},
    )
    return FileResponse(handle, as_attachment=True, filename=filename(kind), content_type=XLSX)
