"""/api/groups: the groups I belong to."""

import pytest

from tests.api_support import ROLES, api_as  # noqa: F401

MINE = {
    "outsider": [], "member": [("Seminar", "member")], "moderator": [("Seminar", "moderator")],
    "instructor": [("Seminar", "instructor")], "other_instructor": [("Other seminar", "instructor")],
    "superuser": [],
}


@pytest.mark.parametrize("role", ROLES)
def test_my_groups(api_as, group_roles, role):
    response = api_as(role).get("/api/groups")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert [(g["name"], g["role"]) for g in response.json()] == MINE[role]
    for g in response.json():
        assert g["member_count"] == (3 if g["name"] == "Seminar" else 1)


GROUP_STATUS = {"anonymous": 401, "outsider": 404, "other_instructor": 404}


@pytest.mark.parametrize("role", ROLES)
def test_one_group(api_as, group_roles, role):
    group = group_roles[0]
    response = api_as(role).get(f"/api/groups/{group.pk}")
    assert response.status_code == GROUP_STATUS.get(role, 200)
    if response.status_code == 200:
        assert response.json()["member_count"] == 3
    else:
        assert "Seminar" not in response.text
