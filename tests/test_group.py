"""A group's page (members and roles, for members only), editing and deleting a group."""

import pytest
from django.urls import reverse

from groups.models import Invitation, Membership, Role, StudyGroup

pytestmark = pytest.mark.django_db


def test_members_see_everyone_with_their_role(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["member"])
    response = client.get(reverse("group", args=[group.pk]))
    assert response.status_code == 200
    assert [(m.user.username, m.role) for m in response.context["members"]] == [
        ("ines", Role.INSTRUCTOR), ("moritz", Role.MODERATOR), ("mia", Role.MEMBER),
    ]
    html = response.content.decode()
    assert "Leave this group" in html
    # A member manages nothing: no role selects, no remove buttons, no invite links.
    assert "member_role" not in html and "Remove" not in html and "Invite links" not in html


def test_instructors_see_the_controls(client, group_roles):
    group, _, cast = group_roles
    Invitation.objects.create(group=group)
    client.force_login(cast["instructor"])
    html = client.get(reverse("group", args=[group.pk])).content.decode()
    assert "Invite links" in html and "Create invite link" in html and "Copy" in html
    assert html.count(">Remove<") == 2  # everyone but oneself
    assert reverse("group_edit", args=[group.pk]) in html
    assert reverse("dashboard", args=[group.pk]) in html


def test_members_get_no_dashboard_link(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["member"])
    html = client.get(reverse("group", args=[group.pk])).content.decode()
    assert group.name in html and reverse("group_edit", args=[group.pk]) not in html
    assert reverse("dashboard", args=[group.pk]) not in html


def test_strangers_get_404_without_the_name(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["outsider"])
    response = client.get(reverse("group", args=[group.pk]))
    assert response.status_code == 404
    assert "Seminar" not in response.content.decode()


def test_the_page_loads_in_constant_queries(client, group_roles, make_user, django_assert_max_num_queries):
    group, _, cast = group_roles
    for n in range(15):
        Membership.objects.create(group=group, user=make_user(f"extra{n}"))
        Invitation.objects.create(group=group, created_by=cast["instructor"])
    client.force_login(cast["instructor"])
    # Session, user, the group, my roles, the members with users, the invitations with creators.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("group", args=[group.pk]))
    assert len(response.context["members"]) == 18 and len(response.context["invitations"]) == 15


def test_instructors_edit_the_group(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    response = client.post(reverse("group_edit", args=[group.pk]), {"name": "Seminar II", "description": "New"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.description) == ("Seminar II", "New")


def test_editing_with_a_blank_name_keeps_the_description_typed(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    response = client.post(reverse("group_edit", args=[group.pk]), {"name": "", "description": "Half-typed"})
    assert response.status_code == 400 and "Half-typed" in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Seminar"


def test_deleting_asks_first_then_deletes(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    confirm = client.get(reverse("group_delete", args=[group.pk]))
    assert confirm.status_code == 200 and "3 members" in confirm.content.decode()
    assert StudyGroup.objects.filter(pk=group.pk).exists()
    response = client.post(reverse("group_delete", args=[group.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("groups")
    assert not StudyGroup.objects.filter(pk=group.pk).exists()
    assert not Membership.objects.filter(group_id=group.pk).exists()


def test_a_member_cannot_delete(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["moderator"])
    assert client.post(reverse("group_delete", args=[group.pk])).status_code == 403
    assert StudyGroup.objects.filter(pk=group.pk).exists()
