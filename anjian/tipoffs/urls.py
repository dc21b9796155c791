from __future__ import annotations

from django.urls import path, re_path

from anjian.tipoffs import views

app_name = "tipoffs"
urlpatterns = [
    path("", views.tipoff_list, name="list"),
    path("new/", views.tipoff_create, name="create"),
    path("xlsx/", views.tipoff_export, name="xlsx"),
    path("<int:pk>/", views.tipoff_detail, name="detail"),
    # One POST view for the steps of services.available_steps.
    re_path(r"^(?P<pk>[0-9]+)/(?P<step>start_check|extend|merge|close|propose|approve|pay)/$", views.tipoff_step,
            name="step"),
]
