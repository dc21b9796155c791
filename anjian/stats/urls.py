from __future__ import annotations

from django.urls import path

from anjian.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/<slug:key>.<str:fmt>", views.chart_download, name="chart_download"),
    path("briefing/", views.briefing, name="briefing"),
    path("progress/", views.progress, name="progress"),
    path("progress/xlsx/", views.progress_xlsx, name="progress_xlsx"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("ranking/xlsx/", views.ranking_download, name="ranking_xlsx"),
    # The hazard risk map (隐患风险分布图).
    path("map/", views.risk_map, name="map"),
    path("map/data.json", views.risk_map_data, name="map_data"),
]
