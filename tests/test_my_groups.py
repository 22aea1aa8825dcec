"""My groups: the groups I am in, with my role and the member count, in constant queries."""

import pytest
from django.urls import reverse

from groups.models import Membership, Role, StudyGroup

pytestmark = pytest.mark.django_db


def test_lists_my_groups_with_my_role_and_member_count(client, group_roles):
    group, other, cast = group_roles
    client.force_login(cast["moderator"])
    response = client.get(reverse("groups"))
    assert response.status_code == 200
    [listed] = response.context["groups"]
    assert listed == group and listed.my_role == Role.MODERATOR and listed.member_count == 3
    html = response.content.decode()
    assert "Seminar" in html and "Other seminar" not in html
    assert "3 members" in html and "Moderator" in html


def test_a_superuser_sees_only_the_groups_they_are_in(client, group_roles):
    _, _, cast = group_roles
    client.force_login(cast["superuser"])
    response = client.get(reverse("groups"))
    assert list(response.context["groups"]) == []
    assert "not in any group yet" in response.content.decode()


def test_the_list_loads_in_constant_queries(client, make_user, django_assert_max_num_queries):
    me = make_user("ada")
    for n in range(12):
        g = StudyGroup.objects.create(name=f"Group {n}")
        Membership.objects.create(group=g, user=me, role=Role.MEMBER)
        Membership.objects.create(group=g, user=make_user(f"peer{n}"), role=Role.INSTRUCTOR)
    client.force_login(me)
    # Session, user, my roles (visible_groups), the groups with counts and my role.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("groups"))
    assert len(response.context["groups"]) == 12
    assert all(g.member_count == 2 for g in response.context["groups"])


def test_needs_a_login(client):
    assert client.get(reverse("groups")).status_code == 302
