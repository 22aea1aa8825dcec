"""Sign-in under attack: locks per account, a far higher limit per address, and the address
taken from X-Forwarded-For only when the peer is a trusted proxy (accounts/throttling.py)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
LAB = {"REMOTE_ADDR": "192.0.2.10", "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"}


def _log_in(client, username, password=PASSWORD, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **{**LAB, **meta})


def test_failures_for_unknown_names_do_not_lock_out_the_next_person_at_the_same_computer(client, make_user):
    make_user("ada")
    for attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        assert _log_in(client, f"nobody-{attempt}", "guess").status_code == 200
    assert _log_in(client, "ada").status_code == 302


def test_an_account_under_attack_is_locked_from_everywhere(client, make_user):
    make_user("ada")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "ada", "guess", REMOTE_ADDR=f"198.51.100.{attempt}")
    assert _log_in(client, "ada", REMOTE_ADDR="203.0.113.99").status_code == 429


def test_one_address_trying_many_accounts_hits_its_own_limit(client, make_user, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 8
    make_user("ada")
    for attempt in range(8):
        _log_in(client, f"victim-{attempt}", "guess")
    assert _log_in(client, "ada").status_code == 429
    assert _log_in(client, "ada", REMOTE_ADDR="192.0.2.77").status_code == 302


def test_the_default_address_limit_is_far_above_a_computer_lab():
    assert settings.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR >= 300


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # Straight from the client: the header is whatever the client wants, so it is ignored.
    _log_in(client, "u1", "guess", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AccessAttempt.objects.get(username="u1").ip_address == "192.0.2.50"
    # Through the proxy: the right-most address the proxy did not add itself; what the client
    # put in front ("1.2.3.4", a spoof) is not believed.
    _log_in(client, "u2", "guess", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.8, 10.0.0.6")
    assert AccessAttempt.objects.get(username="u2").ip_address == "203.0.113.8"


def test_an_overlong_username_is_a_failed_login_not_an_error(client):
    assert _log_in(client, "x" * 5000, "guess").status_code == 200
