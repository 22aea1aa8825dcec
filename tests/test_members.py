"""Members: instructors change roles and remove people; members leave; and nobody can remove
or demote a group's last instructor, not even two instructors demoting each other at once."""


import pytest
from django.db import transaction
from django.urls import reverse

from groups import memberships
from groups.models import Membership, Role, StudyGroup
from tests.concurrency import race_while_holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(group_roles):
    group, _, cast = group_roles
    ships = {role: group.memberships.get(user=cast[role]) for role in ("instructor", "moderator", "member")}
    return group, cast, ships


def test_an_instructor_changes_a_role(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["instructor"])
    response = client.post(reverse("member_role", args=[group.pk, ships["member"].pk]), {"role": "moderator"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=ships["member"].pk).role == Role.MODERATOR
    assert "is now moderator" in client.get(group.get_absolute_url()).content.decode()


def test_an_unknown_role_is_refused(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["instructor"])
    response = client.post(reverse("member_role", args=[group.pk, ships["member"].pk]), {"role": "emperor"})
    assert response.status_code == 400
    assert Membership.objects.get(pk=ships["member"].pk).role == Role.MEMBER


def test_an_instructor_removes_a_member(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["instructor"])
    assert client.post(reverse("member_remove", args=[group.pk, ships["member"].pk])).status_code == 302
    assert not Membership.objects.filter(pk=ships["member"].pk).exists()
    # And the removed person no longer sees the group.
    client.force_login(cast["member"])
    assert client.get(group.get_absolute_url()).status_code == 404


def test_a_member_cannot_remove_anyone(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["member"])
    assert client.post(reverse("member_remove", args=[group.pk, ships["moderator"].pk])).status_code == 403
    assert Membership.objects.filter(pk=ships["moderator"].pk).exists()


@pytest.mark.parametrize("how", ["demote", "remove", "leave"])
def test_the_last_instructor_stays(client, seminar, how):
    group, cast, ships = seminar
    client.force_login(cast["instructor"])
    url, data = {
        "demote": (reverse("member_role", args=[group.pk, ships["instructor"].pk]), {"role": "member"}),
        "remove": (reverse("member_remove", args=[group.pk, ships["instructor"].pk]), {}),
        "leave": (reverse("group_leave", args=[group.pk]), {}),
    }[how]
    response = client.post(url, data)
    assert response.status_code == 409
    assert "needs at least one instructor" in response.content.decode()
    assert Membership.objects.get(pk=ships["instructor"].pk).role == Role.INSTRUCTOR


def test_the_superuser_cannot_demote_the_last_instructor_either(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["superuser"])
    response = client.post(reverse("member_role", args=[group.pk, ships["instructor"].pk]), {"role": "member"})
    assert response.status_code == 409


def test_with_a_second_instructor_the_first_may_step_down_and_leave(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["instructor"])
    client.post(reverse("member_role", args=[group.pk, ships["moderator"].pk]), {"role": "instructor"})
    response = client.post(reverse("group_leave", args=[group.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("groups")
    assert list(group.memberships.filter(role=Role.INSTRUCTOR).values_list("user__username", flat=True)) == ["moritz"]


def test_a_member_leaves(client, seminar):
    group, cast, ships = seminar
    client.force_login(cast["member"])
    response = client.post(reverse("group_leave", args=[group.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=ships["member"].pk).exists()
    assert "You have left" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_demotions_cannot_both_pass(make_user):
    """Two instructors demote each other at the same moment: the group row lock makes the
    second wait for the first, see it, and refuse."""
    group = StudyGroup.objects.create(name="Pair")
    first = Membership.objects.create(group=group, user=make_user("first"), role=Role.INSTRUCTOR)
    second = Membership.objects.create(group=group, user=make_user("second"), role=Role.INSTRUCTOR)
    outcome = {}

    def demote_second():
        try:
            memberships.change_role(second, Role.MEMBER)
            outcome["second"] = "demoted"
        except memberships.LastInstructorError:
            outcome["second"] = "refused"

    with transaction.atomic():
        memberships.change_role(first, Role.MEMBER)  # holds the group's lock until commit
        other = race_while_holding(demote_second)
    other.join(timeout=30)

    assert outcome == {"second": "refused"}
    assert Membership.objects.filter(group=group, role=Role.INSTRUCTOR).count() == 1
