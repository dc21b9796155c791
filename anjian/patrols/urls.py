from __future__ import annotations

from django.urls import path

from anjian.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.patrol_list, name="list"),
    path("new/", views.patrol_create, name="create"),
    path("units/", views.unit_suggest, name="unit_suggest"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/xlsx/", views.coverage_export, name="coverage_xlsx"),
    path("not-visited/", views.not_visited, name="not_visited"),
    path("<int:pk>/", views.patrol_detail, name="detail"),
    path("<int:pk>/hazard/", views.patrol_link_hazard, name="link_hazard"),
]
