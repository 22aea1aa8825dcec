"""Sign-up: a new account with a display name, logged in at once; bad input keeps what was typed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

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


def test_signing_up_creates_the_account_and_logs_in(client):
    response = client.post(reverse("signup"), GOOD)
    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert user.display_name == "Ada Lovelace" and user.email == "ada@example.org"
    assert user.check_password("analytical engine 1843")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_up_returns_to_the_invite_link_it_came_from(client):
    response = client.post(reverse("signup"), {**GOOD, "next": "/join/abc/"})
    assert response["Location"] == "/join/abc/"


def test_a_next_pointing_elsewhere_is_ignored(client):
    response = client.post(reverse("signup"), {**GOOD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("library")


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


def test_a_taken_username_or_email_is_refused(client, make_user):
    make_user("ada")  # email ada@example.org
    response = client.post(reverse("signup"), {**GOOD, "username": "ada2", "email": "ADA@example.org"})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    response = client.post(reverse("signup"), {**GOOD, "email": "other@example.org"})
    assert "username" in response.context["form"].errors


def test_someone_signed_in_is_sent_on(client, make_user):
    client.force_login(make_user("ada"))
    assert client.get(reverse("signup")).status_code == 302
