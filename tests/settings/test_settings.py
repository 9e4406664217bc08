"""The settings layer: environment variables, SQLite by default, PostgreSQL by URL, and a
production module that refuses the development secret key."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = ("import django, os; django.setup(); from django.conf import settings as s; "
         "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.DEBUG)")


def _run(module: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KINDZICHT_")}
    environ.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=environ, timeout=60)


def test_production_refuses_the_default_secret_key(tmp_path):
    result = _run("kindzicht.settings.production", KINDZICHT_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "KINDZICHT_SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key(tmp_path):
    result = _run("kindzicht.settings.production", KINDZICHT_DATA_DIR=str(tmp_path),
                  KINDZICHT_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Europe/Amsterdam", "False"]


def test_postgresql_by_url(tmp_path):
    result = _run("kindzicht.settings.dev", KINDZICHT_DATA_DIR=str(tmp_path),
                  KINDZICHT_DATABASE_URL="postgresql://u:p@db.example:5432/kz")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_every_setting_is_documented_in_operations_md():
    from pathlib import Path

    from kindzicht.settings.config import REGISTRY

    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    missing = [name for name in REGISTRY if f"`{name}`" not in doc]
    assert not missing, f"add these to docs/operations.md: {missing}"
