"""The permission matrix: every role against every action, through real HTTP requests.

Each cell asserts the exact status code, and that the response leaked nothing the role
may not know (`must_not_see`): a group's name, description and members' names to anyone
outside it, an invite link's token to anyone who may not invite.

How to add rows (annotations, moderation, ...):
1. Give the objects your actions need to the `matrix` fixture below (a SimpleNamespace;
   add attributes such as `m.group_note = Annotation.objects.create(...)`), and add their
   secret text (a note body, say) to `must_not_see` for the roles that may not read it.
2. Add an `Action` to ACTIONS: method, a function (m -> url), optionally one (m -> POST data),
   and `private=False` if the page may legitimately show secrets to anyone (an invite page).
3. Add a row to EXPECTED with the same key: one status per role, in ROLES' column order
   (anonymous, outsider, member, moderator, instructor, other_instructor, superuser).
Every (action, role) pair then runs as its own test, against a fresh database.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from access.policy import PERMISSIONS, has_permission, visible_groups
from groups.models import Invitation, Role, StudyGroup
from tests.conftest import ROLES


@dataclass(frozen=True)
class Action:
    method: str
    url: Callable
    data: Callable = field(default=lambda m: {})
    private: bool = True  # check the body for secrets the role may not know


GROUP_FORM = {"name": "Renamed seminar", "description": "New words"}

ACTIONS = {
    # Study groups
    "my_groups": Action("GET", lambda m: reverse("groups")),
    "group_create_form": Action("GET", lambda m: reverse("group_create")),
    "group_create": Action("POST", lambda m: reverse("group_create"), lambda m: GROUP_FORM),
    "group_page": Action("GET", lambda m: reverse("group", args=[m.group.pk])),
    "group_page_missing": Action("GET", lambda m: reverse("group", args=[m.missing_pk])),
    "group_edit_form": Action("GET", lambda m: reverse("group_edit", args=[m.group.pk])),
    "group_edit": Action("POST", lambda m: reverse("group_edit", args=[m.group.pk]), lambda m: GROUP_FORM),
    "group_delete_confirm": Action("GET", lambda m: reverse("group_delete", args=[m.group.pk])),
    "group_delete": Action("POST", lambda m: reverse("group_delete", args=[m.group.pk])),
    "group_invite": Action("POST", lambda m: reverse("group_invite", args=[m.group.pk]), lambda m: {"role": "member"}),
    "group_invite_by_get": Action("GET", lambda m: reverse("group_invite", args=[m.group.pk])),
    "invitation_revoke": Action("POST", lambda m: reverse("invitation_revoke", args=[m.group.pk, m.invitation.pk])),
    "member_role": Action(
        "POST", lambda m: reverse("member_role", args=[m.group.pk, m.member_ship.pk]), lambda m: {"role": "moderator"}
    ),
    "member_role_foreign_membership": Action(
        "POST", lambda m: reverse("member_role", args=[m.group.pk, m.other_ship.pk]), lambda m: {"role": "member"}
    ),
    "member_remove": Action("POST", lambda m: reverse("member_remove", args=[m.group.pk, m.member_ship.pk])),
    "group_leave": Action("POST", lambda m: reverse("group_leave", args=[m.group.pk])),
    "group_leave_by_get": Action("GET", lambda m: reverse("group_leave", args=[m.group.pk])),
    # An invite link may show the group's name to whoever holds it.
    "join_page": Action("GET", lambda m: reverse("join_group", args=[m.invitation.token]), private=False),
    "join": Action("POST", lambda m: reverse("join_group", args=[m.invitation.token]), private=False),
    "join_revoked": Action("POST", lambda m: reverse("join_group", args=[m.revoked.token])),
}

# fmt: off
EXPECTED = {
    #                                  anon outsider member moderator instructor other_instr superuser
    "my_groups":                      (302, 200,    200,   200,      200,       200,        200),
    "group_create_form":              (302, 200,    200,   200,      200,       200,        200),
    "group_create":                   (302, 302,    302,   302,      302,       302,        302),
    "group_page":                     (302, 404,    200,   200,      200,       404,        200),
    "group_page_missing":             (302, 404,    404,   404,      404,       404,        404),
    "group_edit_form":                (302, 404,    403,   403,      200,       404,        200),
    "group_edit":                     (302, 404,    403,   403,      302,       404,        302),
    "group_delete_confirm":           (302, 404,    403,   403,      200,       404,        200),
    "group_delete":                   (302, 404,    403,   403,      302,       404,        302),
    "group_invite":                   (302, 404,    403,   403,      302,       404,        302),
    "group_invite_by_get":            (302, 405,    405,   405,      405,       405,        405),
    "invitation_revoke":              (302, 404,    403,   403,      302,       404,        302),
    "member_role":                    (302, 404,    403,   403,      302,       404,        302),
    "member_role_foreign_membership": (302, 404,    404,   404,      404,       404,        404),
    "member_remove":                  (302, 404,    403,   403,      302,       404,        302),
    # The instructor is the group's only one (409); the superuser is not a member (403).
    "group_leave":                    (302, 404,    302,   302,      409,       404,        403),
    "group_leave_by_get":             (302, 405,    405,   405,      405,       405,        405),
    "join_page":                      (200, 200,    200,   200,      200,       200,        200),
    "join":                           (302, 302,    302,   302,      302,       302,        302),
    "join_revoked":                   (302, 410,    302,   302,      302,       410,        410),
}
# fmt: on

# Who may see the group, and who may see its invite links (mirrors the PERMISSIONS map).
GROUP_VIEWERS = {"member", "moderator", "instructor", "superuser"}
GROUP_INVITERS = {"instructor", "superuser"}


@pytest.fixture
def matrix(group_roles):
    """The objects the actions act on, with distinctive text so a leak is easy to spot."""
    group, other, cast = group_roles
    group.name = "Seminar Quillfeather"
    group.description = "Syllabus of the Zephyrine reading"
    group.save()
    names = {"instructor": "Ines Ironwood", "moderator": "Moritz Mosswell", "member": "Mia Marchbank"}
    for role, display_name in names.items():
        cast[role].display_name = display_name
        cast[role].save()
    m = SimpleNamespace(group=group, other=other, cast=cast)
    m.member_ship = group.memberships.get(user=cast["member"])
    m.other_ship = other.memberships.get(user=cast["other_instructor"])
    m.invitation = Invitation.objects.create(group=group, created_by=cast["instructor"])
    m.revoked = Invitation.objects.create(group=group, revoked_at="2020-01-01T00:00Z")
    m.missing_pk = StudyGroup.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    m.group_secrets = [group.name, group.description, *names.values()]
    return m


def must_not_see(role, m):
    secrets = []
    if role not in GROUP_VIEWERS:
        secrets += m.group_secrets
    if role not in GROUP_INVITERS:
        secrets += [m.invitation.token, m.revoked.token]
    return secrets


def test_every_action_has_a_row_and_every_row_a_status_per_role():
    assert set(ACTIONS) == set(EXPECTED)
    assert all(len(statuses) == len(ROLES) for statuses in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action_name", list(ACTIONS))
def test_matrix(action_name, role, matrix, request_as):
    action = ACTIONS[action_name]
    expected = EXPECTED[action_name][ROLES.index(role)]
    url = action.url(matrix)
    response = request_as(role, action.method, url, action.data(matrix))
    assert response.status_code == expected, f"{role} {action.method} {url}"
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login")), "anonymous people are sent to log in"
    if action.private:
        body = response.content.decode()
        leaked = [secret for secret in must_not_see(role, matrix) if secret in body]
        assert not leaked, f"{role} {action.method} {url} leaked {leaked}"


def _user(role, cast):
    return AnonymousUser() if role == "anonymous" else cast[role]


@pytest.mark.parametrize("role", ROLES)
def test_predicates_and_visible_groups_agree(role, group_roles):
    group, other, cast = group_roles
    user = _user(role, cast)
    visible = set(visible_groups(user))
    for g in (group, other):
        assert has_permission(user, "group.view", g) == (g in visible), (role, g.name)
    # And the view predicate matches who the matrix says may see the group.
    assert has_permission(user, "group.view", group) == (role in GROUP_VIEWERS)
    assert has_permission(user, "group.invite", group) == (role in GROUP_INVITERS)


@pytest.mark.parametrize("role", ROLES)
def test_every_group_permission_is_defined_for_every_role(role, group_roles):
    """No group permission raises for any role (an anonymous user has no roles, no pk)."""
    group, _, cast = group_roles
    user = _user(role, cast)
    for permission in PERMISSIONS:
        if permission.startswith("group."):
            assert has_permission(user, permission, group) in (True, False)


def test_the_instructor_role_really_is_the_only_one_managing(group_roles):
    """Guards the table against a silent policy change: only instructors (and superusers) manage."""
    group, _, cast = group_roles
    managers = {r for r in ROLES if r != "anonymous" and has_permission(cast[r], "group.manage_members", group)}
    assert managers == {"instructor", "superuser"}
    assert Role.INSTRUCTOR in {ms.role for ms in group.memberships.all()}
