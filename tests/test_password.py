"""Changing a password, and resetting a forgotten one by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW = "a much better passphrase"


def test_changing_the_password_keeps_you_logged_in(client, make_user):
    user = make_user("ada")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "correct horse battery", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("profile")).status_code == 200


def test_the_old_password_is_required(client, make_user):
    user = make_user("ada")
    client.force_login(user)
    response = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("correct horse battery")


def test_resetting_a_forgotten_password_by_email(client, make_user):
    user = make_user("ada")
    response = client.post(reverse("password_reset"), {"email": "ada@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)  # Django swaps the token for a session value
    assert form_page.context["validlink"]
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW)

    # The link works once.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
