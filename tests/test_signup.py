"""Sign-up: a new account with a display name, activated from an e-mailed link; bad input keeps
what was typed; the answer never tells whether an address already has an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from accounts.mail import MailAfterResponseMiddleware
from accounts.urls import urlpatterns as account_urls

User = get_user_model()
pytestmark = pytest.mark.django_db

GOOD = {
    "username": "ada",
    "email": "ada@example.org",
    "display_name": "Ada Lovelace",
    "password1": "analytical engine 1843",
    "password2": "analytical engine 1843",
}


def test_the_form_has_a_labelled_field_for_everything_asked(client):
    html = client.get(reverse("signup")).content.decode()
    for field in ("username", "email", "display_name", "password1", "password2"):
        assert f'for="id_{field}"' in html and f'id="id_{field}"' in html


def _activation_link(message):
    return re.search(r"http://testserver(/accounts/activate/\S+)", message.body).group(1)


def test_signing_up_creates_the_account_and_the_mailed_link_logs_in(client):
    response = client.post(reverse("signup"), GOOD)
    assert response.status_code == 200 and "Check your email" in response.text
    user = User.objects.get(username="ada")
    assert user.display_name == "Ada Lovelace" and user.email == "ada@example.org"
    assert user.check_password("analytical engine 1843") and not user.is_active
    assert "_auth_user_id" not in client.session
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    response = client.get(_activation_link(message))
    assert response.status_code == 302 and response["Location"] == reverse("library")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.get(pk=user.pk).is_active
    # The link works once.
    client.logout()
    assert client.get(_activation_link(message)).status_code == 404


def test_signing_up_returns_to_the_invite_link_it_came_from(client):
    client.post(reverse("signup"), {**GOOD, "next": "/join/abc/"})
    response = client.get(_activation_link(mail.outbox[0]))
    assert response["Location"] == "/join/abc/"


def test_a_next_pointing_elsewhere_is_ignored(client):
    client.post(reverse("signup"), {**GOOD, "next": "https://evil.example/"})
    response = client.get(_activation_link(mail.outbox[0]))
    assert response["Location"] == reverse("library")


def test_a_known_address_gets_the_same_answer_and_its_owner_an_email(client, make_user):
    owner = make_user("ada")  # email ada@example.org
    fresh = client.post(reverse("signup"), {**GOOD, "username": "newcomer", "email": "new@example.org"})
    known = client.post(reverse("signup"), {**GOOD, "username": "ada2", "email": "ADA@example.org"})
    assert known.status_code == fresh.status_code == 200
    strip = lambda response, email: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text).replace(
        email, "")  # noqa: E731
    assert strip(known, "ADA@example.org") == strip(fresh, "new@example.org")
    assert not User.objects.filter(username="ada2").exists()
    warning = mail.outbox[-1]
    assert warning.to == [owner.email] and "Someone just tried to create a Marginalia account" in warning.body
    assert "/accounts/activate/" not in warning.body


def test_mail_is_sent_after_the_response_so_timing_tells_nothing(make_user):
    """Sign-up and password reset queue their mail; it leaves when the server closes the
    response (after its last byte), for a known address and an unknown one alike."""
    make_user("ada")
    views = {pattern.name: pattern.callback for pattern in account_urls}
    factory = RequestFactory()
    for name, data in (("password_reset", {"email": "ada@example.org"}),
                       ("signup", {**GOOD, "username": "someone", "email": "ada@example.org"})):
        request = factory.post(reverse(name), data)
        request._dont_enforce_csrf_checks = True
        request.session = {}
        request.user = AnonymousUser()
        response = MailAfterResponseMiddleware(views[name])(request)
        assert response.status_code in (200, 302) and not response.has_header("Set-Cookie")
        assert mail.outbox == [], name  # nothing sent while the answer is being made
        # As Django's test client does: the test's transaction must outlive the "request".
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        assert len(mail.outbox) == 1, name
        mail.outbox.clear()


def test_password_reset_answers_known_and_unknown_addresses_alike(client, make_user):
    make_user("ada")
    known = client.post(reverse("password_reset"), {"email": "ada@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_mismatched_passwords_are_refused_and_the_rest_is_kept(client):
    response = client.post(reverse("signup"), {**GOOD, "password2": "something else entirely"})
    assert response.status_code == 400
    assert not User.objects.filter(username="ada").exists()
    form = response.context["form"]
    assert "password2" in form.errors
    html = response.content.decode()
    assert 'value="ada"' in html and 'value="ada@example.org"' in html and 'value="Ada Lovelace"' in html


def test_a_weak_password_is_refused_with_the_reason(client):
    response = client.post(reverse("signup"), {**GOOD, "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    assert "too common" in response.content.decode()


def test_a_taken_username_is_refused(client, make_user):
    make_user("ada")
    response = client.post(reverse("signup"), {**GOOD, "email": "other@example.org"})
    assert "username" in response.context["form"].errors


def test_someone_signed_in_is_sent_on(client, make_user):
    client.force_login(make_user("ada"))
    assert client.get(reverse("signup")).status_code == 302
