"""Hazard pages, mounted at /hazards/ (app_name "hazards")."""

from __future__ import annotations

from django.urls import path

from anjian.hazards import list_views, views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_create, name="create"),
    path("new/units/", views.unit_suggest, name="unit_suggest"),
    path("units/<int:unit_pk>/", views.unit_section, name="unit_section"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/extensions/<int:extension_pk>/decide/", views.extend_decide, name="extend_decide"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/lift/", views.lift, name="lift"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("lists/<slug:kind>.xlsx", list_views.download, name="list_export"),
]
