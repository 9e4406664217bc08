"""The Django admin also requires a verified second factor: an administrator's password alone
must not open the one screen that edits users and policy. Its login page is the web login
(password, then second factor); the admin's own login form is not used."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .policy import session_is_verified


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_is_verified(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.user.is_authenticated:  # logged in, but not staff: say so, do not loop
            return render(request, "web/forbidden.html", {
                "reason": _("Alleen beheerders gebruiken het beheer."),
            }, status=403)
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('web:login')}?{urlencode({'next': target})}")
