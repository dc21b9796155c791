from __future__ import annotations

from django.urls import path

from anjian.accidents import views

app_name = "accidents"
urlpatterns = [
    path("", views.accident_list, name="list"),
    path("new/", views.accident_create, name="create"),
    path("<int:pk>/", views.accident_detail, name="detail"),
    path("<int:pk>/edit/", views.accident_edit, name="edit"),
]
