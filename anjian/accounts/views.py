"""Sign-in, sign-out, password change and the user's own API tokens.

Login failures and lockout are django-axes' business (settings: 5 failures, 30 minutes,
per username); logins, logouts and failures reach the audit trail through the auth
signals (anjian.core.signals). Token creation and revocation go through
anjian.accounts.tokens, which audits them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anjian.accounts.models import ApiToken
from anjian.accounts.policy import password_state, reason
from anjian.accounts.services import password_changed
from anjian.accounts.tokens import TokenError, token_create, token_revoke, user_tokens
from anjian.core import audit


class LoginForm(AuthenticationForm):
    """Django's form with our wording: one message whatever was wrong (no user enumeration)."""

    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错 %(limit)s 次将锁定账号 %(minutes)s 分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "class": "form-control"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password", "class": "form-control"})

    def get_invalid_login_error(self) -> forms.ValidationError:
        cooloff = getattr(settings, "AXES_COOLOFF_TIME", 0.5)
        minutes = round(float(cooloff) * 60) if isinstance(cooloff, (int, float)) else 30
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": getattr(settings, "AXES_FAILURE_LIMIT", 5), "minutes": minutes},
        )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("old_password", "原密码"), ("new_password1", "新密码"), ("new_password2", "确认新密码")):
            self.fields[name].label = label
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["old_password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        new = cleaned.get("new_password1")
        # Changing a password to itself would satisfy the 90-day rule without changing anything.
        if new and "new_password1" not in self.errors and self.user.check_password(new):
            unchanged = forms.ValidationError("新密码不能与原密码相同。", code="password_unchanged")
            self.add_error("new_password1", unchanged)
        return cleaned


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        state = password_state(self.request.user)  # type: ignore[arg-type]
        context["forced"] = state is not None
        context["reason"] = reason(state) if state else ""
        context["next"] = self._next()
        return context

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                                  require_https=self.request.is_secure())
        return target if allowed else ""

    def get_success_url(self) -> str:
        return self._next() or str(self.success_url)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(form.user)
        # A credential change is a security event (GB/T 22239-2019 8.1.4.3); never the password itself.
        audit.record(actor=form.user, action="password_change", obj=form.user)
        messages.success(self.request, "密码已修改。")
        return response


login = LoginView.as_view()
password_change = PasswordChangeView.as_view()


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation, POST signs out: a link or a prefetch must not end a session."""
    if request.method == "POST":
        auth_logout(request)
        messages.info(request, "您已退出登录。")
        return redirect(settings.LOGOUT_REDIRECT_URL or "login")
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "accounts/logout.html")


class TokenForm(forms.Form):
    name = forms.CharField(
        label="令牌名称",
        max_length=64,
        help_text="写明用途，例如“数据上报脚本”，便于日后识别和撤销。",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens; a new one is shown once, in the response to the POST that made it."""
    form = TokenForm(request.POST or None)
    raw: str | None = None
    created: ApiToken | None = None
    if request.method == "POST" and form.is_valid():
        try:
            user = request.user
            created, raw = token_create(actor=user, user=user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except TokenError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    context = {
        "form": form,
        "tokens": user_tokens(request.user),  # type: ignore[arg-type]
        "raw_token": raw,
        "created": created,
    }
    response = render(request, "accounts/tokens.html", context)
    # The page may carry a secret shown once: no cache may keep a copy.
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST revokes; only one's own tokens (another's is a 404)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        if token.revoked_at is None:
            token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
            messages.success(request, f"令牌 {token.prefix}… 已撤销，使用它的程序将无法再访问。")
        return redirect("tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
