from __future__ import annotations

from django.urls import path

from anjian.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("new/", views.action_create, name="create"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("<int:pk>/documents/", views.action_document, name="issue"),
    path("<int:pk>/penalty/", views.action_penalty, name="penalty"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/download", views.document_download, name="document_download"),
    path("interviews/", views.interview_list, name="interviews"),
    path("interviews/new/", views.interview_create, name="interview_create"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
]
