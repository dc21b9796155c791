"""Pages reached through a one-time link (a unit without an account), outside the login wall."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "hazard_links"
urlpatterns: list = []
