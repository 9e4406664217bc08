"""Security headers on web pages and API responses; HSTS in production (issue 8)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", ["/login/", "/api/v1/openapi.json", "/api/v1/organisations"])
def test_headers_on_web_and_api(path):
    response = Client().get(path)
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no inline scripts, no eval, nothing foreign
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_has_an_inline_script():
    """The CSP forbids inline scripts: the templates must not need them."""
    from pathlib import Path

    import kindzicht

    root = Path(kindzicht.__file__).parent
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">", 1)[0]:
                offenders.append(str(template))
        if " onclick=" in text or " onchange=" in text or " onsubmit=" in text:
            offenders.append(str(template))
    assert offenders == []


def test_production_sends_hsts_and_secure_cookies():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "'upgrade-insecure-requests' in s.CONTENT_SECURITY_POLICY['DIRECTIVES'])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kindzicht.settings.production",
           "KINDZICHT_SECRET_KEY": "x" * 50}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["31536000", "True", "True", "True"]
    assert reverse("web:login")
