from __future__ import annotations

from django.urls import path

from anjian.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.summary_page, name="summary"),
    path("xlsx/", views.summary_export, name="summary_xlsx"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("upload/", views.upload, name="upload"),
    path("subordinates/", views.subordinate_list, name="subordinates"),
    path("subordinates/<int:pk>/", views.subordinate_edit, name="subordinate_edit"),
    path("own/", views.own_side, name="own"),
]
