"""The screens of logging in: password (with "Inloggen via <provider>" when OIDC is set up),
the second factor, enrolling an authenticator, and one's own login security page."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError

from . import services
from .forms import TokenForm
from .policy import (
    has_device,
    needs_second_factor,
    role_requires_second_factor,
    session_is_verified,
)
from .qr import svg_data_uri

PURPOSE = "login security"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_name"] = settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else None
        return context


def _verified(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session.cycle_key()  # a new session id once the login is complete
    return HttpResponseRedirect(_next(request))


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app. Wrong codes slow down (django-otp throttles
    the device: 1, 2, 4 … seconds), and each is counted in the device's failure count."""
    if session_is_verified(request) or not needs_second_factor(request.user):
        return HttpResponseRedirect(_next(request))
    if not has_device(request.user):
        return HttpResponseRedirect(
            f"{reverse('web:totp_enrol')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            return _verified(request, device)
        form.add_error("token", _("Deze code klopt niet of is verlopen. Vul de code in die nu "
                                  "in de app staat; na een paar foute codes moet u steeds "
                                  "even wachten."))
    return render(request, "security/second_factor.html",
                  {"form": form, "next": _next(request)}, status=400 if form.errors else 200)


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: the secret as text and as a QR code, confirmed with a first
    code. Someone who already has a device must give its code first (a password alone must not
    add a second device)."""
    user = request.user
    if has_device(user) and not session_is_verified(request):
        return HttpResponseRedirect(
            f"{reverse('web:second_factor')}?{urlencode({'next': request.get_full_path()})}")
    actor = Actor.of(user, purpose=PURPOSE)
    device = services.totp_enrolment_start(actor)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_enrolment_confirm(actor, device_id=device.pk,
                                                     token=form.cleaned_data["token"])
        except KindzichtError as exc:
            form.add_error("token", exc.message)
        else:
            messages.success(request, _("Uw authenticator-app is gekoppeld. Voortaan vraagt "
                                        "kindzicht bij het inloggen om een code."))
            return _verified(request, device)
    secret = b32encode(device.bin_key).decode("ascii")
    return render(request, "security/totp_enrol.html", {
        "form": form, "next": _next(request), "secret": _grouped(secret),
        "otpauth": device.config_url, "qr": svg_data_uri(device.config_url),
        "mandatory": role_requires_second_factor(user),
    }, status=400 if form.errors else 200)


@login_required
def security_page(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk")
    return render(request, "security/security.html", {
        "devices": devices, "mandatory": role_requires_second_factor(request.user),
        "session_device": getattr(request.user, "otp_device", None),
    })


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the old one, the new one twice (Django's form), then the
    audited service. This session stays logged in; every other one ends."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(Actor.of(request.user, purpose=PURPOSE),
                                     new_password=form.cleaned_data["new_password1"])
        except KindzichtError as exc:
            form.add_error("new_password1", exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Uw wachtwoord is gewijzigd. Op andere apparaten bent "
                                        "u uitgelogd."))
            return HttpResponseRedirect(reverse("web:security"))
    return render(request, "security/password_change.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def totp_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.totp_device_remove(Actor.of(request.user, purpose=PURPOSE), device_id=pk)
    except KindzichtError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De authenticator is ontkoppeld."))
    return HttpResponseRedirect(reverse("web:security"))


def _oidc_enabled(view):
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("OIDC is not configured")
        return view(request, *args, **kwargs)
    return wrapped


def oidc_login(request: HttpRequest) -> HttpResponse:
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return _oidc_enabled(OIDCAuthenticationRequestView.as_view())(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    response = _oidc_enabled(OIDCAuthenticationCallbackView.as_view())(request)
    if not request.user.is_authenticated:
        messages.error(request, _(
            "Inloggen via %(name)s is niet gelukt: er is geen actief kindzicht-account dat bij "
            "uw gegevens past. Vraag de beheerder van uw organisatie om hulp.")
            % {"name": settings.OIDC_PROVIDER_NAME})
    return response
