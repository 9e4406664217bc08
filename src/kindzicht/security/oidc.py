"""Login through the region's identity provider (OpenID Connect, mozilla-django-oidc).

The provider only says *who* someone is; it never creates a kindzicht account: the configured
claim (``KINDZICHT_OIDC_MATCH_CLAIM``) must name an existing, active professional (by user name,
or by e-mail address when the claim is ``email``). Roles and organisations stay kindzicht's.

A second factor is still asked afterwards (policy.py), unless the provider asserts that it
checked one: an ``amr`` value in ``KINDZICHT_OIDC_MFA_AMR`` or an ``acr`` in
``KINDZICHT_OIDC_MFA_ACR`` in the id token (or userinfo). With neither configured kindzicht
always asks its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kindzicht.people.models import Professional


def asserts_mfa(claims: dict[str, Any]) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.OIDC_MFA_AMR):
        return True
    return bool(claims.get("acr")) and claims.get("acr") in settings.OIDC_MFA_ACR


class RegionOIDCBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(super().get_userinfo(access_token, id_token, payload))
        for key in ("amr", "acr"):  # the id token's say on how the user authenticated
            if key in payload and key not in claims:
                claims[key] = payload[key]
        return claims

    def filter_users_by_claims(self, claims):
        claim = settings.OIDC_MATCH_CLAIM
        value = claims.get(claim)
        if not value or not isinstance(value, str):
            return Professional.objects.none()
        field = "email__iexact" if claim == "email" else "username"
        return Professional.objects.filter(**{field: value}, is_active=True)

    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_MATCH_CLAIM))

    def update_user(self, user, claims):
        user.idp_mfa = asserts_mfa(claims)  # read by signals._logged_in, kept in the session
        return user
