"""Logging in and out: a new session id at login, the session ended at logout, and
django-axes throttling repeated failures per account, whatever address they come from."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from tests.test_settings import run_settings

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _log_in(client, username="ada", password=PASSWORD, ip="10.0.0.1", agent="pytest"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent
    )


def test_logging_in_gives_a_new_session_id(client, make_user):
    make_user("ada")
    before = SessionStore()
    before["visited"] = True
    before.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key

    response = _log_in(client)
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not SessionStore().exists(before.session_key), "the pre-login session id must not live on"
    assert client.session["_auth_user_id"]


def test_a_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("ada")
    response = _log_in(client, password="nope")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, make_user):
    make_user("ada")
    _log_in(client)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("logout")).status_code == 405, "logging out is POST only"
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not SessionStore().exists(session_key)
    assert client.get(reverse("profile")).status_code == 302  # back to the login page


def test_repeated_failures_lock_the_account_with_a_clear_page(client, make_user):
    make_user("ada")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, password=f"guess {attempt}").status_code == 200
    locked = _log_in(client, password="last guess")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed log-in attempts" in html
    assert f"{round(settings.AXES_COOLOFF_TIME * 60)} minutes" in html
    assert reverse("password_reset") in html
    # Even the right password does not get through while locked.
    assert _log_in(client).status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_from_many_addresses_count_against_one_account(client, make_user):
    """An attacker rotating IP addresses and browsers still hits the per-account limit."""
    make_user("ada")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, password="guess", ip=f"10.0.1.{attempt}", agent=f"bot {attempt}")
    assert _log_in(client, ip="10.9.9.9", agent="fresh browser").status_code == 429


def test_other_accounts_are_not_locked(client, make_user):
    make_user("ada")
    make_user("bob")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, username="ada", password="guess", ip=f"10.0.2.{attempt}", agent=f"bot {attempt}")
    assert _log_in(client, username="bob", ip="10.0.3.1", agent="bob's browser").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, make_user):
    make_user("ada")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, password="guess")
    assert _log_in(client).status_code == 429
    # Move the failures back in time past the cool-off instead of waiting.
    AccessAttempt.objects.update(attempt_time=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    assert _log_in(client).status_code == 302


def test_settings_that_would_allow_over_100_failures_an_hour_are_refused():
    # 5 failures per 1-minute cool-off would let about 300 an hour through.
    result = run_settings({"AXES_COOLOFF_MINUTES": "1"}, "print('started')")
    assert result.returncode != 0 and "100 failed logins an hour" in result.stderr
    assert run_settings({}, "print('started')").stdout.strip() == "started"


def test_the_configured_limits_allow_at_most_100_failures_an_hour():
    cool_off_hours = settings.AXES_COOLOFF_TIME
    assert settings.AXES_FAILURE_LIMIT * (1 / cool_off_hours + 1) <= 100
    assert ["username"] in settings.AXES_LOCKOUT_PARAMETERS
