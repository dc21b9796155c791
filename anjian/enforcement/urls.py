from __future__ import annotations

from django.urls import path

from anjian.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("documents/<int:pk>/download", views.document_download, name="document_download"),
]
