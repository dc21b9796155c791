"""Account pages. No app_name: settings and templates use the plain names ``login``, ``logout``,
``password_change`` and ``tokens`` (LOGIN_URL = "login"), like django.contrib.auth's own."""

from __future__ import annotations

from django.urls import path

from anjian.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
