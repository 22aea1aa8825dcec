"""Signed-in sessions end after an idle period (SESSION_IDLE_SECONDS), not only 12 hours
after signing in; activity moves the end, at most once a minute (accounts/sessions.py)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import BUMPED_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def _session_row(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _edit_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_signed_in_session_expires_after_the_idle_period(client, make_user, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    make_user("ada")
    client.post(reverse("login"), {"username": "ada", "password": "correct horse battery"})
    left = (_session_row(client).expire_date - timezone.now()).total_seconds()
    assert 1700 < left <= 1800
    # Idle past the period: the session no longer signs anyone in.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("profile")).status_code == 302


def test_activity_moves_the_end_at_most_once_a_minute(client, make_user, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    client.force_login(make_user("ada"))
    client.get(reverse("profile"))
    first = _session_row(client).expire_date
    client.get(reverse("profile"))
    assert _session_row(client).expire_date == first  # within the minute: no write
    _edit_session(client, **{BUMPED_AT: int(time.time()) - 120})
    client.get(reverse("profile"))
    assert _session_row(client).expire_date > first


def test_activity_never_moves_the_end_past_the_absolute_lifetime(client, make_user, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    settings.SESSION_COOKIE_AGE = 12 * 3600
    client.force_login(make_user("ada"))
    client.get(reverse("profile"))
    signed_in = int(time.time()) - 12 * 3600 + 600  # ten minutes of its lifetime left
    _edit_session(client, **{SIGNED_IN_AT: signed_in, BUMPED_AT: 0})
    client.get(reverse("profile"))
    left = (_session_row(client).expire_date - timezone.now()).total_seconds()
    assert 500 < left <= 600
    _edit_session(client, **{SIGNED_IN_AT: signed_in - 601, BUMPED_AT: 0})
    client.get(reverse("profile"))
    assert client.get(reverse("profile")).status_code == 302
