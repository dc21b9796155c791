from __future__ import annotations

from django.urls import path

from anjian.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message_open, name="open"),
    path("<int:pk>/read/", views.message_read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("sms/", views.sms_log, name="sms_log"),
]
