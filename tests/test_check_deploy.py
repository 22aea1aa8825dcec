"""`manage.py check --deploy` under production settings reports nothing."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def check_deploy(**overrides):
    # Only what a deployment would set: not the test run's own switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly reports).
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="kq3v9-" + "Zr8pW2xN7mT4bH6yL1cF5gJ0dS" * 2,
        ALLOWED_HOSTS="marginalia.example.org",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",  # checks that need no connection
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    # Only axes' ip_address warning is silenced: the per-address limit is the project's own
    # (accounts/throttling.py, tests/test_login_under_attack.py).
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert settings.SILENCED_SYSTEM_CHECKS == ["axes.W006"]


def test_check_deploy_would_catch_a_weakened_setting():
    # The check is live: turning HSTS off under production settings is reported.
    result = check_deploy(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
