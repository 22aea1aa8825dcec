"""Settings come from the environment: embedded PostgreSQL by default, DATABASE_URL when set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.embedded_db import pgdata_dir, shared_buffers

ROOT = Path(__file__).resolve().parent.parent
# With DATABASE_URL set the tests run on somebody else's server: no embedded one to check or tune.
on_the_embedded_server = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL is set: the tests do not use the embedded server"
)


def run_settings(env_overrides, code):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_tests_run_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


@on_the_embedded_server
def test_embedded_server_is_the_default_when_no_database_url_is_set():
    # The embedded server listens on a unix socket inside (or derived from) its data directory.
    assert settings.DATABASES["default"]["HOST"].startswith("/")
    assert (pgdata_dir() / "PG_VERSION").exists()


@on_the_embedded_server
def test_the_embedded_server_is_sized_for_its_machine(db):
    """initdb's 128 MB of shared buffers is raised to a quarter of the memory (at most 1 GB),
    in postgresql.auto.conf, for the server's next start."""
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert shared_buffers() == f"{max(128, min(1024, total_mb // 4))}MB"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting FROM pg_file_settings WHERE name = 'shared_buffers' AND sourcefile LIKE %s",
            ["%postgresql.auto.conf"],
        )
        assert cursor.fetchone() == (shared_buffers(),)


def test_database_url_is_used_and_no_embedded_server_starts(tmp_path):
    pgdata = tmp_path / "never-created"
    result = run_settings(
        {"DATABASE_URL": "postgres://reader:secret@db.example.org:6543/marg", "EMBEDDED_PGDATA": str(pgdata)},
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['HOST'], d['PORT'], d['NAME'], d['USER'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.example.org", "6543", "marg", "reader"]
    assert not pgdata.exists()


def test_production_settings_without_secret_key_fail_with_a_clear_message():
    result = run_settings(
        {"DEBUG": "false", "DATABASE_URL": "postgres://u:p@localhost/x"},
        "pass",
    )
    assert result.returncode != 0
    assert "Production settings are incomplete" in result.stderr
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_short_or_published_secret_key():
    production = {"DEBUG": "false", "DATABASE_URL": "postgres://u:p@localhost/x", "ALLOWED_HOSTS": "example.org"}
    for weak in ("changeme", "dev-only-insecure-key-do-not-use-in-production", "x" * 49,
                 "django-insecure-" + "k" * 50):
        result = run_settings({**production, "SECRET_KEY": weak}, "pass")
        assert result.returncode != 0, weak
        assert "SECRET_KEY is too weak for production" in result.stderr
    strong = run_settings({**production, "SECRET_KEY": "Zr8pW2xN7mT4bH6yL1cF5gJ0dS" * 2}, "print('started')")
    assert strong.stdout.strip() == "started", strong.stderr


def test_a_malformed_boolean_is_refused():
    result = run_settings({"DEBUG": "maybe", "DATABASE_URL": "postgres://u:p@localhost/x"}, "pass")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_the_asgi_app_pools_connections_unless_told_not_to():
    """Under ASGI every request's sync code runs in a thread of its own: persistent connections
    piled up one per thread until PostgreSQL refused more ("too many clients")."""
    env = {k: v for k, v in os.environ.items() if k not in {"DB_POOL", "DJANGO_SETTINGS_MODULE"}}
    env["DATABASE_URL"] = "postgres://u:p@db.example.org/x"
    code = "import config.asgi; from django.conf import settings; d = settings.DATABASES['default']; print('pool' in d.get('OPTIONS', {}), d['CONN_MAX_AGE'])"
    pooled = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert pooled.stdout.split() == ["True", "0"], pooled.stderr
    unpooled = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DB_POOL": "false"},
                              capture_output=True, text=True, timeout=60)
    assert unpooled.stdout.split() == ["False", "60"], unpooled.stderr


def test_redis_url_moves_the_cache_and_session_reads_to_redis():
    code = ("from django.conf import settings; c = settings.CACHES['default'];"
            " print(c['BACKEND'].rsplit('.', 1)[1], c['LOCATION'], settings.SESSION_ENGINE.rsplit('.', 1)[1])")
    with_redis = run_settings({"DATABASE_URL": "postgres://u:p@localhost/x", "REDIS_URL": "redis://cache.internal:6379/2"}, code)
    assert with_redis.stdout.split() == ["RedisCache", "redis://cache.internal:6379/2", "cached_db"], with_redis.stderr
    without = run_settings({"DATABASE_URL": "postgres://u:p@localhost/x", "REDIS_URL": ""}, code)
    assert without.stdout.split() == ["DatabaseCache", "marginalia_cache", "db"], without.stderr
