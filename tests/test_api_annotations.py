"""/api/annotations: list, create, read, update, delete, for every role."""

import warnings
from datetime import timedelta

import pytest
from django.utils import timezone

from access.policy import can_view
from annotations.models import Annotation
from api.idempotency import KEY_LIFETIME
from api.models import IdempotencyRecord
from tests.api_support import ALL_NOTES, ROLES, VISIBLE, ApiClient, api_as, world  # noqa: F401
from tests.discussions_support import settings_for

URL = "/api/annotations"


@pytest.mark.parametrize("role", ROLES)
def test_read_matrix(api_as, world, role):
    client = api_as(role)
    user = None if role == "anonymous" else world.cast[role]
    for name in ALL_NOTES:
        note = getattr(world, name)
        response = client.get(f"{URL}/{note.pk}")
        expected = 200 if name in VISIBLE[role] else 404
        assert response.status_code == expected, (name, response.content)
        if expected == 200:
            assert response.json()["body"] == note.body
            assert response["ETag"]
            if name != "deleted" and user is not None:
                assert can_view(user, note)  # the API agrees with the permission module
        else:
            assert note.body not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_what_the_role_may_see(api_as, world, role):
    data = api_as(role).get(URL).json()
    assert {item["id"] for item in data["items"]} == {getattr(world, n).pk for n in VISIBLE[role]}
    assert data["count"] == len(VISIBLE[role])


def test_list_filters_and_search(api_as, world):
    member = api_as("member")
    ids = lambda **params: {i["id"] for i in member.get(URL, **params).json()["items"]}  # noqa: E731
    assert ids(q="energy") == {world.group_note.pk}
    assert ids(tag="policy") == {world.public.pk}
    assert ids(kind="reply") == {world.reply.pk}
    assert ids(visibility="private") == {world.private.pk}
    assert ids(relation="supports") == {world.group_note.pk}
    assert ids(group=world.group.pk, kind="note") == {world.group_note.pk, world.hidden.pk}
    assert ids(document="no-such-doc") == set()
    # An outsider searching for the seminar's words finds nothing, not even a count.
    data = api_as("outsider").get(URL, q="seminar energy").json()
    assert data == {"count": 0, "items": []}


def test_list_pagination_and_bad_filters(api_as, world):
    member = api_as("member")
    first = member.get(URL, limit=2).json()
    second = member.get(URL, limit=2, offset=2).json()
    assert first["count"] == second["count"] == 5
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert member.get(URL, limit=0).status_code == 422
    assert member.get(URL, date_from="yesterday").status_code == 422
    assert member.get(URL, kind="poem").status_code == 422
    assert member.get(URL, q="a\x00b").status_code == 422


def test_list_query_count_is_constant(api_as, world, django_assert_max_num_queries):
    member = api_as("member")
    for i in range(30):
        Annotation.objects.create(paragraph=world.p["p2"], author=world.cast["member"], body=f"n{i}",
                                  visibility="public").tags.add("x", f"t{i}")
    # token, token last_used, roles, readable documents, their scope (permissions.on_documents_q),
    # count, page, tags, links
    with django_assert_max_num_queries(9):
        response = member.get(URL, limit=50)
    assert response.json()["count"] == 35


def test_create_returns_201_with_etag_and_location(api_as, world):
    response = api_as("member").post(URL, {
        "paragraph": world.p["p3"].pk, "body": "A new note", "tags": ["green", "energy"],
        "quote": "new energy", "visibility": "group", "group": world.group.pk,
        "links": [{"relation": "contradicts", "target": world.p["p2"].pk}, {"relation": "see also", "url": "https://example.org/x"}],
    })
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["ETag"] == f'"a{data["id"]}.v1"'
    assert response["Location"] == f"/api/annotations/{data['id']}"
    note = Annotation.objects.get(pk=data["id"])
    assert note.paragraph.text[note.start:note.end] == "new energy"
    assert note.prefix.endswith("Green development asks for ")
    assert sorted(t.name for t in note.tags.all()) == ["energy", "green"]
    assert [(l["relation"], l["target"]) for l in data["links"]] == [("contradicts", world.p["p2"].pk), ("see also", None)]
    assert data["author"] == "mia" and data["visibility"] == "group"


def test_create_checks_fields_against_the_database(api_as, world):
    member = api_as("member")
    p3 = world.p["p3"].pk

    def errors(payload):
        response = member.post(URL, payload)
        assert response.status_code == 422, response.content
        return {tuple(e["loc"][-1:]) and e["loc"][-1]: e["msg"] for e in response.json()["detail"]}

    assert "quote" in errors({"paragraph": p3, "quote": "not in this paragraph"})
    assert "group" in errors({"paragraph": p3, "body": "x", "visibility": "group", "group": world.other.pk})
    assert "group" in errors({"paragraph": p3, "body": "x", "visibility": "group"})
    assert "group" in errors({"paragraph": p3, "body": "x", "visibility": "public", "group": world.group.pk})
    assert "paragraph" in errors({"paragraph": 10**12, "body": "x"})
    assert "body" in errors({"paragraph": p3})
    assert "quote" in errors({"paragraph": p3, "body": "x", "start": 5, "end": 500})  # as the form says it
    assert "end" in errors({"paragraph": p3, "body": "x", "start": 5})
    assert "visibility" in errors({"paragraph": p3, "body": "x", "visibility": "everyone"})
    assert "url" in errors({"paragraph": p3, "links": [{"relation": "x", "url": "javascript:alert(1)"}]})
    assert "paragraph" in errors({"body": "no paragraph"})
    assert member.post(URL, None).status_code == 422
    response = member.client.generic("POST", URL, "{not json", content_type="application/json", headers=member.headers)
    assert response.status_code == 400
    assert Annotation.objects.filter(author=world.cast["member"]).count() == 5  # nothing was created


@pytest.mark.parametrize("role, status", [
    ("anonymous", 401), ("outsider", 422), ("member", 201), ("moderator", 201), ("instructor", 201),
    ("other_instructor", 422), ("superuser", 422),
])
def test_create_group_note_matrix(api_as, world, role, status):
    response = api_as(role).post(URL, {"paragraph": world.p["p2"].pk, "body": "hi", "visibility": "group",
                                       "group": world.group.pk})
    assert response.status_code == status, response.content


EDIT_STATUS = {  # editing the instructor's group note: only its author may
    "anonymous": 401, "outsider": 404, "member": 403, "moderator": 403, "instructor": 200,
    "other_instructor": 404, "superuser": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_update_matrix(api_as, world, role, method):
    response = api_as(role).request(method, f"{URL}/{world.group_note.pk}", {"body": "Changed"})
    assert response.status_code == EDIT_STATUS[role], response.content
    world.group_note.refresh_from_db()
    assert (world.group_note.body == "Changed") == (EDIT_STATUS[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_delete_matrix(api_as, world, role):
    response = api_as(role).delete(f"{URL}/{world.group_note.pk}")
    expected = 204 if EDIT_STATUS[role] == 200 else EDIT_STATUS[role]
    assert response.status_code == expected
    world.group_note.refresh_from_db()
    assert (world.group_note.deleted_at is not None) == (expected == 204)
    if expected == 204:
        assert api_as("member").get(f"{URL}/{world.group_note.pk}").status_code == 404


def test_patch_changes_only_what_is_sent_and_bumps_the_version(api_as, world):
    instructor = api_as("instructor")
    url = f"{URL}/{world.group_note.pk}"
    etag = instructor.get(url)["ETag"]
    response = instructor.patch(url, {"tags": ["a", "b"]}, headers={"If-Match": etag})
    assert response.status_code == 200
    data = response.json()
    assert data["tags"] == ["a", "b"] and data["body"] == "Seminar question on energy"
    assert data["version"] == 2 and response["ETag"] != etag
    assert data["links"][0]["relation"] == "supports"
    # PUT replaces: links and tags not sent are cleared, visibility defaults to private.
    data = instructor.put(url, {"body": "Only this"}).json()
    assert (data["tags"], data["links"], data["visibility"], data["group"]) == ([], [], "private", None)


# Data the schema says is invalid (null for a field that is optional but not nullable, a
# number sent as a string, a true for an id): 422 with the field named, and nothing changes.
INVALID_PATCHES = [
    ({"body": None}, "body"), ({"tags": None}, "tags"), ({"links": None}, "links"),
    ({"visibility": None}, "visibility"), ({"group": "1"}, "group"), ({"group": True}, "group"),
    ({"links": [{"target": "3"}]}, "links"), ({"tags": [3]}, "tags"),
    ({"tags": ["   "]}, "tags"), ({"tags": ["  " + "x" * 100]}, "tags"),  # only spaces; over 100 as sent
]


@pytest.mark.parametrize("payload, field", INVALID_PATCHES)
def test_patch_refuses_what_its_schema_refuses(api_as, world, payload, field):
    url = f"{URL}/{world.private.pk}"
    response = api_as("member").patch(url, payload)
    assert response.status_code == 422, response.content
    assert field in response.json()["detail"][0]["loc"]
    world.private.refresh_from_db()
    assert (world.private.body, world.private.version) == ("My private thought", 1)


def test_ids_in_a_body_are_json_numbers(api_as, world):
    response = api_as("member").patch(f"{URL}/{world.private.pk}", {"visibility": "group", "group": str(world.group.pk)})
    assert response.status_code == 422 and "group" in response.json()["detail"][0]["loc"]
    world.private.refresh_from_db()
    assert world.private.visibility == "private"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "POST"])
@pytest.mark.parametrize("raw", ["null", "[]", "3", '"text"'])
def test_a_body_that_is_not_an_object_answers_422_and_changes_nothing(api_as, world, method, raw):
    client = api_as("member")
    url = f"{URL}/{world.public.pk}" + ("/replies" if method == "POST" else "")
    response = client.client.generic(method, url, raw, content_type="application/json", headers=client.headers)
    assert response.status_code == 422, response.content
    world.public.refresh_from_db()
    assert (world.public.body, world.public.version) == ("Public note on policy", 1)
    assert not world.public.tags.exclude(name="policy").exists() and world.public.tags.exists()


def test_schema_marks_patch_fields_optional_not_nullable(db):
    from api.api import api

    patch = api.get_openapi_schema(path_prefix="/api/")["components"]["schemas"]["AnnotationPatch"]
    assert "required" not in patch
    for name in ("body", "tags", "visibility", "links"):
        assert "anyOf" not in patch["properties"][name] and "default" not in patch["properties"][name], name
    assert {"type": "null"} in patch["properties"]["group"]["anyOf"]  # null: no group


def test_patch_links_take_the_default_relation(api_as, world):
    response = api_as("member").patch(f"{URL}/{world.public.pk}", {"links": [{"target": world.p["p3"].pk}]})
    assert response.status_code == 200, response.content
    assert response.json()["links"] == [{"relation": "see also", "target": world.p["p3"].pk, "url": "/d/short-paper/#p-p3"}]


def test_stale_if_match_answers_412_and_changes_nothing(api_as, world):
    instructor = api_as("instructor")
    url = f"{URL}/{world.group_note.pk}"
    stale = instructor.get(url)["ETag"]
    assert instructor.patch(url, {"body": "First edit"}, headers={"If-Match": stale}).status_code == 200
    for method, payload in (("PATCH", {"body": "Lost"}), ("PUT", {"body": "Lost"}), ("DELETE", None)):
        response = instructor.request(method, url, payload, headers={"If-Match": stale})
        assert response.status_code == 412, method
    world.group_note.refresh_from_db()
    assert world.group_note.body == "First edit" and world.group_note.deleted_at is None
    current = instructor.get(url)["ETag"]
    assert instructor.delete(url, headers={"If-Match": current}).status_code == 204


def test_idempotency_key_creates_once(api_as, world):
    member = api_as("member")
    payload = {"paragraph": world.p["p2"].pk, "body": "Once only"}
    first = member.post(URL, payload, headers={"Idempotency-Key": "abc-123"})
    again = member.post(URL, payload, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Annotation.objects.filter(body="Once only").count() == 1
    # The same key with another body is a client bug, answered as such.
    reused = member.post(URL, {**payload, "body": "Other"}, headers={"Idempotency-Key": "abc-123"})
    assert reused.status_code == 422
    # ...in the shape every 422 has (the schema's ValidationErrors), naming the header.
    assert reused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    # Keys belong to their user: another person's identical key creates their own note.
    assert api_as("instructor").post(URL, payload, headers={"Idempotency-Key": "abc-123"}).status_code == 201
    assert Annotation.objects.filter(body="Once only").count() == 2
    # Without a key, every request creates.
    member.post(URL, payload)
    assert Annotation.objects.filter(body="Once only").count() == 3


def test_a_key_is_remembered_for_a_day_then_forgotten(api_as, world):
    member = api_as("member")
    payload = {"paragraph": world.p["p2"].pk, "body": "Yesterday"}
    assert member.post(URL, payload, headers={"Idempotency-Key": "daily"}).status_code == 201
    IdempotencyRecord.objects.update(created=timezone.now() - KEY_LIFETIME - timedelta(minutes=1))
    again = member.post(URL, {**payload, "body": "Today"}, headers={"Idempotency-Key": "daily"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert IdempotencyRecord.objects.count() == 1  # yesterday's record is gone


def test_failed_create_with_key_can_be_retried(api_as, world):
    member = api_as("member")
    bad = member.post(URL, {"paragraph": world.p["p2"].pk}, headers={"Idempotency-Key": "k1"})
    assert bad.status_code == 422
    good = member.post(URL, {"paragraph": world.p["p2"].pk, "body": "ok"}, headers={"Idempotency-Key": "k1"})
    assert good.status_code == 201 and "Idempotent-Replayed" not in good
    assert Annotation.objects.get(pk=good.json()["id"]).body == "ok"


def test_answers_use_ninja_status_not_the_deprecated_tuples(api_as, world):
    """django-ninja deprecates returning (status, body): every endpoint returns Status(...)."""
    member = api_as("member")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Returning tuple", category=DeprecationWarning)
        created = member.post(URL, {"paragraph": world.p["p2"].pk, "body": "New"}, headers={"Idempotency-Key": "k"})
        url = f"{URL}/{created.json()['id']}"
        responses = [
            created, member.get(url), member.patch(url, {"body": "Edited"}), member.put(url, {"body": "Again"}),
            member.post(f"{url}/replies", {"body": "A reply"}), member.delete(url),
        ]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 201, 204]


def test_an_edit_through_the_api_keeps_a_note_anonymous_unless_asked_and_says_so(seminar):
    group, cast, paragraph = seminar
    settings_for(group, allow_anonymous=True)
    author = ApiClient(cast["member"])
    created = author.post("/api/annotations", {"paragraph": paragraph.pk, "body": "Quietly", "visibility": "group",
                                               "group": group.pk, "anonymous": True})
    assert created.status_code == 201 and created.json()["anonymous"] is True
    url = f"/api/annotations/{created.json()['id']}"
    # PUT without `anonymous` (an older client) and PATCH of the body: still anonymous.
    put = author.put(url, {"body": "Quietly, revised", "visibility": "group", "group": group.pk},
                     headers={"If-Match": created["ETag"]})
    assert put.status_code == 200 and put.json()["anonymous"] is True
    patched = author.patch(url, {"body": "Again"}, headers={"If-Match": put["ETag"]})
    assert patched.json()["anonymous"] is True
    seen = ApiClient(cast["moderator"]).get(url).json()
    assert (seen["author"], seen["author_name"], seen["anonymous"]) == (None, "Anonymous classmate", True)
    # Made public while anonymous: refused, nothing changed; signed, then public.
    refused = author.patch(url, {"visibility": "public"}, headers={"If-Match": patched["ETag"]})
    assert refused.status_code == 422 and "Only a note shared with a group can be anonymous" in refused.text
    signed = author.patch(url, {"anonymous": False, "visibility": "public"}, headers={"If-Match": patched["ETag"]})
    assert signed.status_code == 200, signed.text
    assert (signed.json()["anonymous"], signed.json()["visibility"]) == (False, "public")
    assert ApiClient(cast["moderator"]).get(url).json()["author"] == cast["member"].get_username()


def test_anonymity_asked_for_in_an_edit_where_the_group_does_not_allow_it_is_refused(seminar):
    group, cast, paragraph = seminar
    author = ApiClient(cast["member"])
    created = author.post("/api/annotations", {"paragraph": paragraph.pk, "body": "Signed", "visibility": "group", "group": group.pk})
    url = f"/api/annotations/{created.json()['id']}"
    refused = author.patch(url, {"anonymous": True}, headers={"If-Match": created["ETag"]})
    assert refused.status_code == 422 and "This group does not allow anonymous posts." in refused.text
    assert author.get(url).json()["anonymous"] is False
