"""/api/tags: tags on what the caller may see, with counts."""

import pytest

from tests.api_support import ROLES, api_as, world  # noqa: F401

EXPECTED = {
    "anonymous": {"policy": 1},
    "outsider": {"policy": 1},
    "member": {"policy": 1, "seminar": 1},
    "moderator": {"policy": 1, "seminar": 1},
    "instructor": {"policy": 1, "seminar": 1},
    "other_instructor": {"policy": 1},
    "superuser": {"policy": 1, "seminar": 1},
}


@pytest.mark.parametrize("role", ROLES)
def test_tags_per_role(api_as, world, role):
    world.other_note.tags.add("other-secret")
    world.private.tags.add("private-secret", "policy")
    data = api_as(role).get("/api/tags").json()
    counts = {t["name"]: t["count"] for t in data["items"]}
    expected = dict(EXPECTED[role])
    if role in ("other_instructor", "superuser"):
        expected["other-secret"] = 1
    if role == "member":
        expected.update({"private-secret": 1, "policy": 2})
    assert counts == expected
    assert data["count"] == len(expected)


def test_sorting(api_as, world):
    world.group_note.tags.add("policy")
    member = api_as("member")
    assert [t["name"] for t in member.get("/api/tags").json()["items"]] == ["policy", "seminar"]
    world.public.tags.add("aardvark")
    assert [t["name"] for t in member.get("/api/tags", sort="name").json()["items"]] == ["aardvark", "policy", "seminar"]
    assert member.get("/api/tags", sort="size").status_code == 422
