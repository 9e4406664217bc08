"""Shared fixtures. Tests build their data through the real services (never by hand), on
SQLite or on PostgreSQL (KINDZICHT_DATABASE_URL)."""

from __future__ import annotations

import socket

import pg_support
import pytest


def pytest_configure(config):
    """Register the postgres wrapper marker and the flush permit (see tests/pg_support.py)."""
    pg_support.configure(config)


def pytest_collection_modifyitems(config, items):
    """On SQLite, postgres-marked tests are deselected and run by one wrapper test instead."""
    pg_support.route_postgres_tests(config, items)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Dutch): a request handled in English (a user
    who chose English) leaves its thread's language active, which must not leak into the next
    test's output."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach out: any connection beyond the loopback interface fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")
                                          or host.startswith("/")):
            raise RuntimeError(f"tests must not reach the network ({host})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
