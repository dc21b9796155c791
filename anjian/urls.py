from __future__ import annotations

from django.urls import include, path

from anjian.api import api

urlpatterns = [
    path("", include("anjian.web.urls")),
    path("accounts/", include("anjian.accounts.urls")),
    path("units/", include("anjian.units.urls")),
    path("ledgers/", include("anjian.ledgers.urls")),
    path("hazards/", include("anjian.hazards.urls")),
    path("inspections/", include("anjian.inspections.urls")),
    path("enforcement/", include("anjian.enforcement.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("outreach/", include("anjian.outreach.urls")),
    path("plans/", include("anjian.plans.urls")),
    path("tipoffs/", include("anjian.tipoffs.urls")),
    path("patrols/", include("anjian.patrols.urls")),
    path("campaigns/", include("anjian.campaigns.urls")),
    path("h/", include("anjian.hazards.link_urls")),
    path("notifications/", include("anjian.notifications.urls")),
    path("stats/", include("anjian.stats.urls")),
    path("reporting/", include("anjian.reporting.urls")),
    path("api/", api.urls),
]
