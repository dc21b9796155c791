from __future__ import annotations

from django.urls import path

from anjian.ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("<slug:kind>/template/", views.template, name="template"),
    path("<slug:kind>/export/", views.export, name="export"),
    path("<slug:kind>/import/", views.upload, name="import"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/confirm/", views.confirm, name="confirm"),
]
