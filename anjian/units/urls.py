from __future__ import annotations

from django.urls import path

from anjian.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_create, name="create"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/deactivate/", views.unit_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.unit_reactivate, name="reactivate"),
    path("<int:pk>/assign/", views.unit_assign, name="assign"),
    path("assignments/", views.assignment_list, name="assignments"),
]
