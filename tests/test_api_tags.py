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


def test_a_page_of_tags_with_the_count_of_all_from_one_scan(api_as, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.public.tags.add("aardvark", "zebra")  # policy 1, seminar 1, aardvark 1, zebra 1 for a member
    with CaptureQueriesContext(connection) as queries:
        data = api_as("member").get("/api/tags", sort="name", limit=2, offset=1).json()
    assert data["count"] == 4
    assert [t["name"] for t in data["items"]] == ["policy", "seminar"]
    # Counting the tags would scan the notes again: one query reads the tag table's counts.
    assert sum("annotations_taggedannotation" in q["sql"] for q in queries.captured_queries) == 1
