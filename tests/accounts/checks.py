"""Assertions shared by the security tests of pages and of the API docs."""

from __future__ import annotations

import re

from django.http import HttpResponse

# Every source a directive may list when no external host is allowed.
LOCAL_SOURCES = {"'self'", "'none'", "data:", "blob:"}
NONCE = re.compile(r"^'nonce-[A-Za-z0-9+/=_-]+'$")


def csp_directives(response: HttpResponse) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, "no Content-Security-Policy header"
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_csp_allows_no_external_host(response: HttpResponse) -> None:
    directives = csp_directives(response)
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in LOCAL_SOURCES or NONCE.match(source), f"{name} allows {source}"


def assert_no_inline_code(html: str) -> None:
    """No style attribute, no <style>, no inline <script> (the CSP would block them)."""
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute"
    assert "<style" not in html
    for attrs in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attrs or 'type="application/json"' in attrs, f"inline script {attrs}"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
