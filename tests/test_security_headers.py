"""Security headers and cookie flags, under production settings (DEBUG off) where it matters."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "test-only-" + "s" * 50,
    "ALLOWED_HOSTS": "marginalia.example.org",
    # Parsed but never connected to: the pages fetched below need no database.
    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    "STATIC_MANIFEST": "false",
}

# Fetch pages with Django's test client inside a process that loaded the production settings.
FETCH = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="marginalia.example.org")
out = {}
for name, path, secure in [("livez_https", "/livez", True), ("livez_http", "/livez", False), ("login", "/accounts/login/", True), ("healthz_http", "/healthz", False)]:
    r = client.get(path, secure=secure)
    cookies = {k: {"secure": bool(v["secure"]), "httponly": bool(v["httponly"]), "samesite": v["samesite"]} for k, v in r.cookies.items()}
    out[name] = {"status": r.status_code, "headers": dict(r.headers), "cookies": cookies, "body": r.content.decode()[:5000]}
out["settings"] = {"SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE, "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY, "SESSION_COOKIE_SAMESITE": settings.SESSION_COOKIE_SAMESITE, "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE}
print(json.dumps(out))
"""


def fetch_in_production(**extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings", **extra_env)
    result = subprocess.run([sys.executable, "-c", FETCH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return fetch_in_production()


def test_https_responses_carry_hsts_nosniff_referrer_policy_and_deny_framing(production):
    headers = production["livez_https"]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_content_security_policy_allows_only_our_origin_and_nonced_inline_code(production):
    policy = production["login"]["headers"]["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"].split()[0] == "'self'"


def test_a_page_that_uses_the_nonce_gets_a_fresh_one_in_its_policy():
    # Within one request, the template's nonce and the header's nonce are the same value.
    from csp.middleware import CSPMiddleware
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: None)
    middleware.process_request(request)
    html = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>').render(request=request)
    from django.http import HttpResponse

    response = middleware.process_response(request, HttpResponse(html))
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https_except_the_health_probe(production):
    assert production["livez_http"]["status"] == 301
    assert production["livez_http"]["headers"]["Location"].startswith("https://")
    # Load balancers probe over plain HTTP; healthz answers them (503 here: no database).
    assert production["healthz_http"]["status"] == 503


def test_cookies_are_secure_httponly_and_samesite(production):
    csrf = production["login"]["cookies"]["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    settings = production["settings"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sessions_expire_after_12_hours_by_default_and_the_age_is_configurable(production):
    assert production["settings"]["SESSION_COOKIE_AGE"] == 12 * 3600
    assert fetch_in_production(SESSION_COOKIE_AGE="3600")["settings"]["SESSION_COOKIE_AGE"] == 3600


@pytest.mark.django_db
def test_the_session_cookie_a_login_sets_is_httponly_samesite_and_expires(client, make_user):
    make_user("reader")
    response = client.post("/accounts/login/", {"username": "reader", "password": "correct horse battery"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # A signed-in session ends after SESSION_IDLE_SECONDS without activity (accounts/sessions.py).
    assert int(cookie["max-age"]) == settings.SESSION_IDLE_SECONDS == 2 * 3600
