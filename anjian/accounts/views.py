"""Sign-in, sign-out, password change and the user's own API tokens.

Login failures and lockout are django-axes' business (settings: 5 failures, 30 minutes,
per username); logins, logouts and failures reach the audit trail through the auth
signals (anjian.core.signals). Token creation and revocation go through
anjian.accounts.tokens, which audits them.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anjian.accounts import twofactor
from anjian.accounts.models import ApiToken, User
from anjian.accounts.policy import password_state, reason
from anjian.accounts.services import password_changed
from anjian.accounts.tokens import TokenError, token_create, token_revoke, user_tokens
from anjian.accounts.twofactor import TwoFactorError
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
    """Password first; a user with an authenticator app then gives its code (:func:`login_code`)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not twofactor.enabled(user):
            return super().form_valid(form)
        # Not signed in yet: the session only remembers who passed the password, for a few minutes.
        self.request.session[PENDING] = {
            "user": user.pk, "backend": getattr(user, "backend", ""), "at": time.time(),
            "next": self.get_success_url(), "failures": 0,
        }
        return redirect("login_code")


# The second step of signing in (GB/T 22239-2019 8.1.4.1 d).
PENDING = "anjian_2fa_pending"
PENDING_SECONDS = 300
CODE_ATTEMPTS = 5


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令", max_length=20,
        help_text="手机验证器应用中当前显示的 6 位数字；手机丢失时可输入一个备用验证码。",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "one-time-code",
                                      "inputmode": "numeric", "autofocus": True}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, "请重新输入用户名和密码。")
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.totp_verify(user, form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            auth_login(request, user, backend=pending["backend"] or None)
            return redirect(pending["next"])
        # A wrong code is a failed sign-in: audited, and counted by the lockout (django-axes).
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        pending["failures"] += 1
        if pending["failures"] >= CODE_ATTEMPTS:
            request.session.pop(PENDING, None)
            messages.error(request, "动态口令连续输错，请重新登录。")
            return redirect("login")
        request.session[PENDING] = pending
        form.add_error("code", f"动态口令不正确（还可再试 {CODE_ATTEMPTS - pending['failures']} 次）。"
                               "请核对手机时间是否准确。")
    return render(request, "accounts/login_code.html", {"form": form, "username": user.username})


class DisableForm(forms.Form):
    password = forms.CharField(label="登录密码", widget=forms.PasswordInput(
        attrs={"class": "form-control", "autocomplete": "current-password"}))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up, look at, renew the recovery codes of, or turn off the user's authenticator app."""
    user: User = request.user  # type: ignore[assignment]
    codes: list[str] | None = None
    code_form = CodeForm(request.POST if request.POST.get("action") in ("confirm", "regenerate") else None)
    disable_form = DisableForm(request.POST if request.POST.get("action") == "disable" else None)
    action = request.POST.get("action")
    try:
        if action == "begin":
            twofactor.totp_begin(user)
            return redirect("two_factor")
        if action == "confirm" and code_form.is_valid():
            codes = twofactor.totp_confirm(user, code_form.cleaned_data["code"])
            messages.success(request, "动态口令已启用。以后登录时，输入密码后还须输入手机上的动态口令。")
        elif action == "regenerate" and code_form.is_valid():
            codes = twofactor.recovery_regenerate(user, code_form.cleaned_data["code"])
            messages.success(request, "已生成新的备用验证码，原来的备用验证码作废。")
        elif action == "disable" and disable_form.is_valid():
            twofactor.totp_disable(user, disable_form.cleaned_data["password"])
            messages.success(request, "动态口令已停用。")
            return redirect("two_factor")
    except TwoFactorError as exc:
        (disable_form if action == "disable" else code_form).add_error(None, str(exc))
    enabled = twofactor.enabled(user)
    enrolment = None if enabled else twofactor.pending_enrolment(user)
    qr = None
    if enrolment is not None:
        # The otpauth:// URI as a QR code for the phone's app to scan, an inline <svg> drawn on the
        # server (no script, nothing for the CSP to refuse). A full QR symbol, never a Micro QR,
        # which authenticator apps cannot read; its own white ground and the standard 4-module
        # quiet zone, whatever the page's colours. Safe markup: segno writes only the path of the
        # modules, no text of the URI.
        svg = segno.make_qr(enrolment.uri).svg_inline(
            scale=4, border=4, light="#fff", svgclass="d-block", lineclass=None)
        qr = mark_safe(svg)  # noqa: S308
    return render(request, "accounts/two_factor.html", {
        "enabled": enabled, "required": twofactor.required(user),
        "enrolment": enrolment, "qr": qr,
        "codes": codes, "left": twofactor.recovery_left(user) if enabled else 0,
        "code_form": code_form, "disable_form": disable_form,
    })


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
