"""Logins and the API under attack: the lockout page of django-axes and the API's throttles.

Five wrong passwords for one account from one address lock that pair out (django-axes, on
the staff login and the admin login); the API limits every caller (per address, per
account) and, much lower, the failed token attempts of one address. Every refusal is a
French 429 that says when to retry.
"""

import math

from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

LOCKOUT_TEMPLATE = "registration/lockout.html"


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the lockout page, in the site's layout, 429."""
    cool_off = get_cool_off(request)
    retry_at = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, LOCKOUT_TEMPLATE, {"retry_at": retry_at, "minutes": minutes}, status=429)


def wait_message(wait: float | None) -> str:
    """« Trop de requêtes : réessayez dans 12 secondes. »"""
    if wait is None:
        return "Trop de requêtes : réessayez dans quelques instants."
    seconds = max(1, math.ceil(wait))
    unit = "seconde" if seconds == 1 else "secondes"
    return f"Trop de requêtes : réessayez dans {seconds} {unit}."


class Throttled(exceptions.Throttled):
    """DRF's 429 with its detail in French (DRF appends an English sentence otherwise)."""

    def __init__(self, wait=None):
        super().__init__(wait=wait, detail=wait_message(wait))
        self.detail = exceptions.ErrorDetail(wait_message(wait), code="throttled")


class _RatesFromSettings:
    """Read the rate when the throttle is made, not when DRF was imported (tests override)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_RatesFromSettings, AnonRateThrottle):
    """Callers without a valid account, per address."""


class AccountThrottle(_RatesFromSettings, UserRateThrottle):
    """Authenticated callers, per account."""


class FailedTokenThrottle(_RatesFromSettings, SimpleRateThrottle):
    """The failed token attempts of one address: counted only when a token is refused."""

    scope = "failed_token"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request) -> bool:
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ThrottledTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`; an address that keeps sending bad tokens gets 429s.

    DRF authenticates before it throttles, so a refused token would never reach the
    throttles: the count of failures is kept here.
    """

    def authenticate(self, request):
        throttle = FailedTokenThrottle()
        if throttle.exhausted(request):
            raise Throttled(throttle.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise
