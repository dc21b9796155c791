from __future__ import annotations

from django.urls import path

from anjian.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/items/<int:item_id>/", views.item_result, name="item_result"),
    path("<int:pk>/items/<int:item_id>/hazard/", views.item_hazard, name="item_hazard"),
    path("<int:pk>/sign/", views.inspection_sign, name="sign"),
    path("<int:pk>/attachments/", views.inspection_attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/close/", views.inspection_close, name="close"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("people/", views.person_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
]
