"""Every URL pattern of the project declares an access rule by a known name (issue #8), and an
API class's declared rule matches its permission classes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import permissions

from kindzicht.api.base import (
    IsAdministrator,
    IsCaseworker,
    IsMemberOfOrganisation,
    IsPrivacyHandler,
    IsPrivacyOfficer,
)
from kindzicht.web.access import RULES

#: Left out of the walk, with why: the Django admin has its own staff check (docs/access.md).
EXCLUDED_PREFIXES = ("admin/",)

PERMISSION_OF_RULE = {
    "public": permissions.AllowAny,
    "casework": IsCaseworker,
    "organisation_member": IsMemberOfOrganisation,
    "privacy_officer": IsPrivacyOfficer,
    "privacy_rights": IsPrivacyHandler,
    "administrator": IsAdministrator,
}


def walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, route)
        else:
            assert isinstance(p, URLPattern)
            yield route, p.callback


def declared(callback):
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return getattr(cls, "access_rule", None) or getattr(callback, "access_rule", None)


def test_every_url_pattern_declares_a_known_rule():
    patterns = list(walk(get_resolver().url_patterns))
    assert len(patterns) > 100
    bad = [route for route, cb in patterns if declared(cb) not in RULES]
    assert bad == []


def test_api_rule_matches_permission_classes():
    bad = []
    for route, cb in walk(get_resolver().url_patterns):
        cls = getattr(cb, "cls", None)
        if cls is None:
            continue
        wanted = PERMISSION_OF_RULE[cls.access_rule]
        if wanted not in cls.permission_classes:
            bad.append(route)
    assert bad == []
