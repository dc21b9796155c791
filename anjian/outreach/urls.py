from __future__ import annotations

from django.urls import path

from anjian.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
]
