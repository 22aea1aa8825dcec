"""The profile page: edit one's display name."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_profile_needs_a_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_changing_the_display_name(client, make_user):
    user = make_user("ada")
    client.force_login(user)
    response = client.post(reverse("profile"), {"display_name": "Countess of Lovelace"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Countess of Lovelace"
    assert "Countess of Lovelace" in client.get(reverse("profile")).content.decode()


def test_a_too_long_name_is_refused_and_kept(client, make_user):
    user = make_user("ada")
    client.force_login(user)
    long_name = "A" * 81
    response = client.post(reverse("profile"), {"display_name": long_name})
    assert response.status_code == 400
    assert "display_name" in response.context["form"].errors
    assert long_name in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == ""


def test_the_profile_links_to_changing_the_password(client, make_user):
    client.force_login(make_user("ada"))
    assert reverse("password_change") in client.get(reverse("profile")).content.decode()


def test_the_profile_links_to_the_api_tokens(client, make_user):
    client.force_login(make_user("ada"))
    assert reverse("api_tokens") in client.get(reverse("profile")).content.decode()
