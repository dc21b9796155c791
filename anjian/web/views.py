from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anjian.units.selectors import unit_queryset
from anjian.web import todo


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # One aggregate query for the three figures (no query per card).
    figures = unit_queryset(user).filter(is_active=True).aggregate(  # type: ignore[arg-type]
        total=Count("id"),
        key=Count("id", filter=Q(key_supervision=True)),
        suspended=Count("id", filter=Q(status="suspended")),
    )
    return render(request, "web/home.html", {"todo": todo.items(user), "figures": figures})  # type: ignore[arg-type]
