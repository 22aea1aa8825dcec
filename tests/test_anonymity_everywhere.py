"""Anonymous posts stay anonymous outside the discussion pages too: the JSON API, the three
export formats and search. A classmate (member or moderator) sees "Anonymous classmate",
never the author's username or name, and filtering by that author finds nothing; the author,
the group's instructors and superusers see the name."""

import csv
import io
import json

import pytest
from django.urls import reverse

from annotations.permissions import ANONYMOUS_AUTHOR
from discussions.models import Curation
from discussions.posting import create_reply
from groups.models import Membership
from tests.api_support import ApiClient
from tests.discussions_support import client_for, note, settings_for

USERNAME, NAME = "zephyrine", "Zephyrine Quaglia"
SECRET_WORD = "Quagliesque"  # in the anonymous posts' bodies, so search can find them

CLASSMATES = ("member", "moderator")
KNOWING = ("author", "instructor", "superuser")


@pytest.fixture
def anon(seminar, make_user):
    """An anonymous root note and an anonymous reply by a member of the seminar, beside a
    named note by the same person (so "filter by author" has something it may show)."""
    group, cast, paragraph = seminar
    author = make_user(USERNAME, display_name=NAME)
    Membership.objects.create(group=group, user=author)
    settings_for(group, allow_anonymous=True)
    root = note(author, paragraph, f"{SECRET_WORD} root thought", group=group)
    root.tags.add("anon-tag")
    Curation.objects.create(annotation=root, is_anonymous=True)
    prompt = note(cast["instructor"], paragraph, "What do you make of this?", group=group)
    reply = create_reply(author, prompt, f"{SECRET_WORD} reply", anonymous=True)
    people = {**cast, "author": author}
    return group, people, paragraph, root, prompt, reply


def _leaks(text: str) -> bool:
    return USERNAME in text.lower() or "quaglia " in text.lower() or NAME in text


# --- The JSON API --------------------------------------------------------------------------


@pytest.mark.parametrize("role", CLASSMATES)
def test_api_hides_the_name_from_classmates(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    api = ApiClient(people[role])
    listed = api.get("/api/annotations", group=group.pk)
    one = api.get(f"/api/annotations/{root.pk}")
    replies = api.get(f"/api/annotations/{prompt.pk}/replies")
    for response in (listed, one, replies):
        assert response.status_code == 200
        assert not _leaks(response.text), response.text
    items = {item["id"]: item for item in listed.json()["items"]}
    assert items[root.pk]["author_name"] == ANONYMOUS_AUTHOR and items[root.pk]["author"] is None
    assert items[reply.pk]["author_name"] == ANONYMOUS_AUTHOR
    assert one.json()["author_name"] == ANONYMOUS_AUTHOR
    assert [i["author_name"] for i in replies.json()["items"]] == [ANONYMOUS_AUTHOR]
    # Named notes keep their names.
    assert items[prompt.pk]["author"] == "ines"


@pytest.mark.parametrize("role", CLASSMATES)
def test_api_author_filter_does_not_find_anonymous_posts_for_classmates(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    named = note(people["author"], paragraph, "A signed note", group=group)
    response = ApiClient(people[role]).get("/api/annotations", author=USERNAME)
    assert [item["id"] for item in response.json()["items"]] == [named.pk]
    assert response.json()["count"] == 1


@pytest.mark.parametrize("role", KNOWING)
def test_api_shows_the_name_to_the_author_instructors_and_superusers(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    api = ApiClient(people[role])
    item = api.get(f"/api/annotations/{root.pk}").json()
    assert (item["author"], item["author_name"]) == (USERNAME, NAME)
    found = api.get("/api/annotations", author=USERNAME).json()
    assert {i["id"] for i in found["items"]} == {root.pk, reply.pk}


# --- Exports -------------------------------------------------------------------------------


def _export(user, group, fmt):
    response = client_for(user).get(reverse("export_download"), {"scope": f"group:{group.pk}", "format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def _jsonld_creators(body):
    return {item["id"].rsplit("/", 1)[1]: item["creator"] for item in json.loads(body)["first"]["items"]}


def _csv_authors(body):
    return {row["id"]: row["author"] for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}


@pytest.mark.parametrize("role", CLASSMATES)
def test_exports_hide_the_name_from_classmates(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    user = people[role]
    jsonld, table, sheet = (_export(user, group, fmt) for fmt in ("jsonld", "csv", "md"))
    for body in (jsonld, table, sheet):
        assert SECRET_WORD in body  # the posts are exported...
        assert not _leaks(body), body  # ...without their author
    creators = _jsonld_creators(jsonld)
    assert creators[str(root.pk)] == {"type": "Person", "name": ANONYMOUS_AUTHOR}
    assert creators[str(reply.pk)] == {"type": "Person", "name": ANONYMOUS_AUTHOR}
    assert creators[str(prompt.pk)]["nickname"] == "ines"
    authors = _csv_authors(table)
    assert authors[str(root.pk)] == authors[str(reply.pk)] == ANONYMOUS_AUTHOR
    assert authors[str(prompt.pk)] == "ines"
    assert f"**{ANONYMOUS_AUTHOR}**" in sheet


@pytest.mark.parametrize("role", KNOWING)
def test_exports_show_the_name_to_the_author_instructors_and_superusers(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    user = people[role]
    creators = _jsonld_creators(_export(user, group, "jsonld"))
    assert creators[str(root.pk)] == {"type": "Person", "nickname": USERNAME, "name": NAME}
    assert _csv_authors(_export(user, group, "csv"))[str(reply.pk)] == USERNAME
    sheet = _export(user, group, "md")
    assert f"**{NAME}**" in sheet and ANONYMOUS_AUTHOR not in sheet


def test_export_queries_stay_constant_with_anonymous_posts(anon, django_assert_max_num_queries):
    group, people, paragraph, root, prompt, reply = anon
    for i in range(30):
        extra = note(people["author"], paragraph, f"extra {i}", group=group)
        Curation.objects.create(annotation=extra, is_anonymous=True)
    client = client_for(people["member"])
    # Session, user, roles, groups for the form, documents, the rows (one chunk), tags, links.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("export_download"), {"scope": f"group:{group.pk}", "format": "csv"})
        body = b"".join(response.streaming_content).decode()
    assert body.count(ANONYMOUS_AUTHOR) == 32


# --- Search --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CLASSMATES)
def test_search_hides_the_name_from_classmates(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    client = client_for(people[role])
    found = client.get(reverse("search"), {"q": SECRET_WORD})
    assert found.context["results"].count == 2
    assert ANONYMOUS_AUTHOR in found.text and not _leaks(found.text)
    by_author = client.get(reverse("search"), {"author": USERNAME})
    assert by_author.context["results"].count == 0
    assert SECRET_WORD not in by_author.text


@pytest.mark.parametrize("role", KNOWING)
def test_search_shows_the_name_to_the_author_instructors_and_superusers(anon, role):
    group, people, paragraph, root, prompt, reply = anon
    client = client_for(people[role])
    found = client.get(reverse("search"), {"q": SECRET_WORD})
    assert NAME in found.text and ANONYMOUS_AUTHOR not in found.text
    assert client.get(reverse("search"), {"author": USERNAME}).context["results"].count == 2


def test_tag_and_person_pages_keep_anonymous_posts_anonymous(anon):
    group, people, paragraph, root, prompt, reply = anon
    client = client_for(people["member"])
    tag_page = client.get(reverse("tag", args=["anon-tag"]))
    assert SECRET_WORD in tag_page.text and ANONYMOUS_AUTHOR in tag_page.text and not _leaks(tag_page.text)
    person_page = client.get(reverse("person", args=[USERNAME]))
    assert SECRET_WORD not in person_page.text
