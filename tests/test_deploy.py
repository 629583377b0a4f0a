"""Production settings pass Django's deployment checklist."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 30 + "-production-like-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "subventions.example.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=metropole.settings.production",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=metropole.settings.production"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_enable_lockout_two_factor_and_csp(tmp_path):
    """What `check --deploy` above is run with: lockout, 2FA and CSP are on in production."""
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 30 + "-production-like-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "subventions.example.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "metropole.settings.production",
    }
    env.pop("SUBVENTIONS_2FA_REQUIRED", None)
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AXES_ENABLED, s.AXES_FAILURE_LIMIT, s.SUBVENTIONS_2FA_REQUIRED, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'], "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['style-src'], s.MIDDLEWARE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    axes, limit, two_factor, script_src, style_src, middleware = json.loads(result.stdout)
    assert axes is True and 0 < limit <= 10
    assert two_factor is True
    assert script_src == style_src == ["'self'"]
    for name in (
        "csp.middleware.CSPMiddleware",
        "axes.middleware.AxesMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "subventions.twofactor.TwoFactorMiddleware",
    ):
        assert name in middleware
