"""Two-factor login (django-otp): an authenticator app's code (TOTP) after the password,
with ten single-use backup codes (django-otp's static device).

Who must: the roles that sign or pay and superusers (`roles.requires_two_factor`), when
settings.SUBVENTIONS_2FA_REQUIRED is on (production). Anyone may enrol; whoever has a
device gives its code at every login, on the staff pages and the admin alike
(`TwoFactorMiddleware`, after django-otp's OTPMiddleware).
"""

import base64
from urllib.parse import quote

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import requires_two_factor

BACKUP_CODES = 10
DEVICE_NAME = "Application d'authentification"
BACKUP_NAME = "Codes de secours"
CODE_INVALID = (
    "Ce code n'est pas valide (ou il a déjà servi) : vérifiez l'heure de votre téléphone "
    "et saisissez le code affiché."
)
CODE_THROTTLED = "Trop de codes erronés : patientez quelques secondes avant de réessayer."
SESSION_BACKUP_CODES = "twofactor_backup_codes"
SESSION_DUE = "twofactor_due"
# Reachable while the second factor is still due: the pages that ask it, and leaving.
OPEN_URLS = {
    ("", "otp_verify"),
    ("", "otp_enrol"),
    ("", "otp_backup_codes"),
    ("", "login"),
    ("", "logout"),
    ("admin", "login"),
    ("admin", "logout"),
}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="Les 6 chiffres affichés par l'application, ou un code de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


def _next(request, default: str = "dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def _verify(user, code: str):
    """The device that accepts the code (its TOTP, then a backup code), or the refusal."""
    with transaction.atomic():
        # Six digits are the app's code, anything else a backup code: only that device
        # counts a failure (django-otp makes each device wait longer after each one).
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        devices = [
            device
            for device in django_otp.devices_for_user(user, for_verify=True)
            if isinstance(device, kind)
        ]
        throttled = any(not device.verify_is_allowed()[0] for device in devices)
        for device in devices:
            if device.verify_token(code):
                return device, None
    return None, CODE_THROTTLED if throttled else CODE_INVALID


def _new_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": BACKUP_NAME})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def verify(request):
    """« Vérification en deux étapes »: the code, after the password."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not django_otp.user_has_device(request.user):
        # Nothing to verify yet: the page says so and leads to enrolment.
        return render(request, "registration/otp_verify.html", {"no_device": True})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, refusal = _verify(request.user, form.cleaned_data["code"])
        if device:
            django_otp.login(request, device)
            return redirect(_next(request))
        form.add_error("code", refusal)
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def enrol(request):
    """« Activer la double authentification »: scan the QR code, confirm one code, get the
    backup codes (shown once)."""
    user = request.user
    if django_otp.user_has_device(user) and user.is_verified():
        return render(
            request,
            "registration/otp_enrol.html",
            {"active": True, "required": requires_two_factor(user)},
        )
    if django_otp.user_has_device(user):
        return redirect(f"{reverse('otp_verify')}?next={quote(request.path)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = device.verify_is_allowed()[0]
        if allowed and device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session[SESSION_BACKUP_CODES] = _new_backup_codes(user)
            django_otp.login(request, device)
            return redirect(f"{reverse('otp_backup_codes')}?next={quote(_next(request))}")
        form.add_error("code", CODE_INVALID if allowed else CODE_THROTTLED)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/otp_enrol.html",
        {
            "form": form,
            "qr_code": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (qrcode's own SVG)
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": requires_two_factor(user) and settings.SUBVENTIONS_2FA_REQUIRED,
            "next": _next(request),
        },
    )


@login_required
def backup_codes(request):
    """The ten backup codes, shown once right after enrolment."""
    codes = request.session.pop(SESSION_BACKUP_CODES, None)
    return render(
        request, "registration/otp_backup_codes.html", {"codes": codes, "next": _next(request)}
    )


def second_factor_due(user) -> str | None:
    """The page a logged-in user must pass before any other: « otp_verify » when the user
    has a device, « otp_enrol » when one is required and missing, else None."""
    if django_otp.user_has_device(user):
        return "otp_verify"
    if settings.SUBVENTIONS_2FA_REQUIRED and requires_two_factor(user):
        return "otp_enrol"
    return None


def note_due_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver: the devices are looked up once, at login, not per request."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_DUE] = second_factor_due(user) or ""


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a logged-in user who has a device gives its code
    before any page (staff pages, admin, session API); a user who must have one and has
    none is sent to enrolment first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            due = request.session.get(SESSION_DUE)
            if due is None:  # a session opened before this check existed
                due = request.session[SESSION_DUE] = second_factor_due(user) or ""
            if due and not self._open(request):
                return redirect(f"{reverse(due)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # the 404 page
        return (match.namespace, match.url_name) in OPEN_URLS
