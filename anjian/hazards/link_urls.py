"""Pages reached through a one-time link (a unit without an account), outside the login wall.

``new/<hazard>/`` is the signed-in supervisor's page that creates such a link.
"""

from __future__ import annotations

from django.urls import path

from anjian.hazards import link_views

app_name = "hazard_links"
urlpatterns = [
    path("new/<int:hazard_id>/", link_views.link_new, name="new"),
    path("<str:token>/", link_views.link_open, name="open"),
    path("<str:token>/claim/", link_views.link_claim, name="claim"),
    path("<str:token>/submit/", link_views.link_submit, name="submit"),
]
