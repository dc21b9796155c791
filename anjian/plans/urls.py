from __future__ import annotations

from django.urls import path

from anjian.plans import views

app_name = "plans"
urlpatterns = [
    path("draws/", views.draw_list, name="list"),
    path("draws/new/", views.draw_create, name="create"),
    path("draws/pool/", views.draw_pool, name="pool"),
    path("draws/<int:pk>/", views.draw_detail, name="detail"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="publish"),
    path("draws/<int:pk>/xlsx/", views.draw_download, name="xlsx"),
]
