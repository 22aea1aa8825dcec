"""Invite links: created by instructors with an optional expiry and number of uses, revocable;
a dead link says why and joins nobody; a member opening one is told so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(group_roles):
    group, _, cast = group_roles
    return group, cast


def _join(client, invitation):
    return client.post(reverse("join_group", args=[invitation.token]))


def test_an_instructor_creates_a_link_with_expiry_and_uses(client, seminar):
    group, cast = seminar
    client.force_login(cast["instructor"])
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        reverse("group_invite", args=[group.pk]), {"role": "moderator", "expires_on": day.isoformat(), "max_uses": "3"}
    )
    assert response.status_code == 302
    invitation = group.invitations.get()
    assert invitation.role == Role.MODERATOR and invitation.max_uses == 3
    assert timezone.localtime(invitation.expires_at).date() == day + datetime.timedelta(days=1)
    assert invitation.created_by == cast["instructor"]
    page = client.get(group.get_absolute_url()).content.decode()
    assert f"http://testserver/join/{invitation.token}/" in page


def test_a_past_day_is_refused_and_the_other_fields_kept(client, seminar):
    group, cast = seminar
    client.force_login(cast["instructor"])
    response = client.post(
        reverse("group_invite", args=[group.pk]), {"role": "member", "expires_on": "2001-01-01", "max_uses": "42"}
    )
    assert response.status_code == 400
    assert "expires_on" in response.context["invitation_form"].errors
    html = response.content.decode()
    assert 'value="2001-01-01"' in html and 'value="42"' in html
    assert not group.invitations.exists()


def test_the_instructor_role_cannot_be_given_by_link(client, seminar):
    group, cast = seminar
    client.force_login(cast["instructor"])
    response = client.post(reverse("group_invite", args=[group.pk]), {"role": "instructor"})
    assert response.status_code == 400 and not group.invitations.exists()


def test_joining_with_a_link(client, seminar):
    group, cast = seminar
    invitation = Invitation.objects.create(group=group, role=Role.MODERATOR, max_uses=2)
    client.force_login(cast["outsider"])
    page = client.get(reverse("join_group", args=[invitation.token]))
    assert page.status_code == 200 and "Seminar" in page.content.decode()
    assert not Membership.objects.filter(user=cast["outsider"]).exists(), "opening the link joins nobody yet"

    response = _join(client, invitation)
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert Membership.objects.get(group=group, user=cast["outsider"]).role == Role.MODERATOR
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    assert "Welcome to" in client.get(group.get_absolute_url()).content.decode()


def test_someone_not_signed_in_is_offered_sign_up_and_comes_back(client, seminar):
    group, _ = seminar
    invitation = Invitation.objects.create(group=group)
    url = reverse("join_group", args=[invitation.token])
    html = client.get(url).content.decode()
    assert f"{reverse('signup')}?next={url}" in html
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"
    assert invitation.group.memberships.count() == 3


@pytest.mark.parametrize(
    "state, message",
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "This invitation has expired."),
        ({"revoked_at": timezone.now()}, "This invitation has been revoked."),
        ({"max_uses": 2, "use_count": 2}, "This invitation has been used as many times as it allows."),
    ],
    ids=["expired", "revoked", "used-up"],
)
def test_a_dead_link_says_why_and_joins_nobody(client, seminar, state, message):
    group, cast = seminar
    invitation = Invitation.objects.create(group=group, **state)
    client.force_login(cast["outsider"])
    for response in (client.get(reverse("join_group", args=[invitation.token])), _join(client, invitation)):
        assert response.status_code == 410
        html = response.content.decode()
        assert message in html
        assert "Seminar" not in html, "a dead link does not name its group"
    assert not Membership.objects.filter(user=cast["outsider"]).exists()
    assert Invitation.objects.get(pk=invitation.pk).use_count == state.get("use_count", 0)


def test_the_last_use_lets_exactly_one_person_in(client, seminar, make_user):
    group, cast = seminar
    invitation = Invitation.objects.create(group=group, max_uses=1)
    client.force_login(cast["outsider"])
    assert _join(client, invitation).status_code == 302
    client.force_login(make_user("late"))
    assert _join(client, invitation).status_code == 410
    assert Invitation.objects.get(pk=invitation.pk).use_count == 1
    assert group.memberships.count() == 4


def test_already_a_member_is_told_so_and_spends_no_use(client, seminar):
    group, cast = seminar
    invitation = Invitation.objects.create(group=group, max_uses=5)
    client.force_login(cast["member"])
    page = client.get(reverse("join_group", args=[invitation.token]))
    assert page.status_code == 200 and "already a member" in page.content.decode()
    response = _join(client, invitation)
    assert response.status_code == 302
    assert "already a member" in client.get(response["Location"]).content.decode()
    assert Invitation.objects.get(pk=invitation.pk).use_count == 0
    assert Membership.objects.get(group=group, user=cast["member"]).role == Role.MEMBER


def test_an_unknown_token_is_404(client, seminar):
    _, cast = seminar
    client.force_login(cast["outsider"])
    assert client.get(reverse("join_group", args=["not-a-token"])).status_code == 404
    assert client.post(reverse("join_group", args=["not-a-token"])).status_code == 404


def test_revoking_a_link(client, seminar):
    group, cast = seminar
    invitation = Invitation.objects.create(group=group)
    client.force_login(cast["instructor"])
    response = client.post(reverse("invitation_revoke", args=[group.pk, invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    html = client.get(group.get_absolute_url()).content.decode()
    assert "This invitation has been revoked." in html
    link = f'value="http://testserver/join/{invitation.token}/"'
    assert link not in html, "a revoked link is not offered for copying"


def test_an_invitation_of_another_group_cannot_be_revoked_through_this_one(client, group_roles):
    group, other, cast = group_roles
    foreign = Invitation.objects.create(group=other)
    client.force_login(cast["instructor"])
    assert client.post(reverse("invitation_revoke", args=[group.pk, foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
