"""Every state-changing view refuses a POST without a CSRF token, and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Invitation, Membership, StudyGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _posts(group, invitation, membership):
    return [
        (reverse("group_create"), {"name": "Sneaky"}),
        (reverse("group_edit", args=[group.pk]), {"name": "Hijacked"}),
        (reverse("group_delete", args=[group.pk]), {}),
        (reverse("group_invite", args=[group.pk]), {"role": "member"}),
        (reverse("invitation_revoke", args=[group.pk, invitation.pk]), {}),
        (reverse("member_role", args=[group.pk, membership.pk]), {"role": "instructor"}),
        (reverse("member_remove", args=[group.pk, membership.pk]), {}),
        (reverse("group_leave", args=[group.pk]), {}),
        (reverse("join_group", args=[invitation.token]), {}),
        (reverse("profile"), {"display_name": "Hijacked"}),
        (reverse("password_change"), {"old_password": "x", "new_password1": "y", "new_password2": "y"}),
        (reverse("logout"), {}),
    ]


def test_posts_without_a_token_are_refused(csrf_client, group_roles):
    group, _, cast = group_roles
    invitation = Invitation.objects.create(group=group)
    membership = group.memberships.get(user=cast["member"])
    csrf_client.force_login(cast["instructor"])
    for url, data in _posts(group, invitation, membership):
        response = csrf_client.post(url, data)
        assert response.status_code == 403, url
        assert "CSRF" in response.content.decode(), url
    group.refresh_from_db()
    invitation.refresh_from_db()
    assert group.name == "Seminar" and invitation.revoked_at is None and invitation.use_count == 0
    assert Membership.objects.get(pk=membership.pk).role == "member"
    assert not StudyGroup.objects.filter(name="Sneaky").exists() and group.invitations.count() == 1
    assert csrf_client.get(reverse("profile")).status_code == 200, "still logged in: logout was refused too"


def test_login_and_signup_without_a_token_are_refused(csrf_client, make_user):
    make_user("ada")
    credentials = {"username": "ada", "password": "correct horse battery"}
    assert csrf_client.post(reverse("login"), credentials).status_code == 403
    response = csrf_client.post(reverse("signup"), {"username": "eve", "email": "e@example.org"})
    assert response.status_code == 403


def test_the_same_post_with_the_token_from_the_page_works(csrf_client, make_user):
    csrf_client.force_login(make_user("ada"))
    csrf_client.get(reverse("group_create"))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(reverse("group_create"), {"name": "Honest", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and StudyGroup.objects.filter(name="Honest").exists()
