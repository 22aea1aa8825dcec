"""A note edited, deleted, hidden or restored changes live in the margins of those who read its
paragraph: a "change" event naming only the paragraph goes to whoever the note's audience holds,
through the stream (LISTEN/NOTIFY and its replay) and polling alike; their margin is then fetched
through the permissions. These tests commit: events are published after commit."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from annotations import editing
from annotations.models import Visibility
from discussions import moderation
from groups.models import GroupSettings
from live import stream as live_stream
from live.audience import change_keys, event_audience
from live.models import LiveEvent
from tests.discussions_support import client_for, note
from tests.live_support import closing_connection, parse_sse, run_async
from tests.test_live_stream import stream_url, streamed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_heartbeat(monkeypatch):
    monkeypatch.setattr(live_stream, "HEARTBEAT", 0.5)


@pytest.fixture
def cast(document, group_roles):
    group, other, people = group_roles
    return group, people, {p.anchor: p for p in document.paragraphs.all()}


def last_event():
    return LiveEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def polled(user, document, after):
    return client_for(user).get(reverse("live_poll", args=[document.slug]), {"after": after}).json()["events"]


def changes(events):
    """(kind, paragraph, names the note?) of what a reader was sent."""
    return [(e["kind"], e["paragraph"], "annotation" in e) for e in events]


def margin(user, document, anchor):
    return client_for(user).get(reverse("paragraph_margin", args=[document.slug, anchor]), HTTP_HX_REQUEST="true").text


def test_a_deleted_group_note_leaves_its_classmates_margins_and_no_one_else_hears(document, cast):
    group, people, p = cast
    gone = note(people["moderator"], p["p2"], "Read this against ¶ 4", group=group)
    after = last_event()
    assert "Read this against" in margin(people["member"], document, "p2")

    editing.soft_delete(gone)

    change = [("change", "p2", False)]  # which note, nobody hears: only the paragraph to refresh
    assert changes(polled(people["member"], document, after)) == change
    assert changes(polled(people["instructor"], document, after)) == change
    assert polled(people["outsider"], document, after) == []
    assert polled(people["other_instructor"], document, after) == []  # another group's instructor
    assert "Read this against" not in margin(people["member"], document, "p2")
    # The stream's replay says the same.
    replayed = streamed(people["member"], document, str(after))
    assert [(e["event"], json.loads(e["data"])) for e in replayed] == [
        ("change", {"id": int(replayed[0]["id"]), "kind": "change", "paragraph": "p2"})
    ]
    assert streamed(people["outsider"], document, str(after)) == []


def test_a_private_notes_changes_are_the_authors_alone(document, cast):
    group, people, p = cast
    mine = note(people["member"], p["p3"], "Only for me", visibility=Visibility.PRIVATE)
    after = last_event()
    editing.soft_delete(mine)
    editing.restore(mine)
    assert changes(polled(people["member"], document, after)) == [("change", "p3", False)] * 2
    for role in ("instructor", "moderator", "outsider"):
        assert polled(people[role], document, after) == [], role


def test_hiding_and_restoring_a_note_reaches_the_group_as_it_happens(document, cast):
    """A moderator hides a classmate's note while a member reads: the member's stream hears of it
    over LISTEN/NOTIFY, the note is gone from their margin, and back after the restore."""
    group, people, p = cast
    member, moderator = people["member"], people["moderator"]
    flagged = note(people["instructor"], p["p4"], "A careless aside", group=group)
    after = last_event()

    async def scenario():
        client = AsyncClient()
        await client.aforce_login(member)
        response = await client.get(stream_url(document), headers={"Last-Event-ID": str(after)})
        chunks = response.streaming_content.__aiter__()
        assert (await chunks.__anext__()).startswith(b"retry:")
        await sync_to_async(closing_connection(moderation.hide), thread_sensitive=False)(moderator, flagged, "Off topic")
        while True:
            chunk = (await asyncio.wait_for(chunks.__anext__(), 10)).decode()
            if not chunk.startswith(":"):
                await chunks.aclose()
                return parse_sse(chunk)

    got = run_async(scenario())
    assert [(e["event"], json.loads(e["data"])["paragraph"]) for e in got] == [("change", "p4")]
    assert "A careless aside" not in margin(member, document, "p4")
    moderation.restore(moderator, flagged, "On reflection, fine")
    assert changes(polled(member, document, after)) == [("change", "p4", False)] * 2
    assert "A careless aside" in margin(member, document, "p4")


def test_a_public_note_made_private_is_told_to_those_who_saw_it(document, cast):
    """The stream's audience is the note's old one and its new one: a reader of the public note
    must refresh the margin it leaves."""
    group, people, p = cast
    shared = note(people["member"], p["p2"], "Everyone, look")
    after = last_event()
    editing.update_annotation(people["member"], shared, {"visibility": Visibility.PRIVATE})
    assert "Everyone, look" not in margin(people["outsider"], document, "p2")
    replayed = streamed(people["member"], document, str(after))
    assert [e["event"] for e in replayed] == ["change"]
    # The event carries both audiences for the processes that fan it out.
    keys = event_audience(shared.pk, LiveEvent.Kind.CHANGE, change_keys(people["member"].pk, Visibility.PUBLIC, None))
    assert "public" in keys.readers and f"user:{people['member'].pk}" in keys.readers


def test_a_deleted_classmates_note_lowers_the_waiting_count(document, cast, make_user):
    group, people, p = cast
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    quinn = make_user("quinn")
    group.memberships.create(user=quinn, role="member")
    first = note(people["member"], p["p3"], "One", group=group)
    note(people["moderator"], p["p3"], "Two", group=group)
    assert "2 classmates" in margin(quinn, document, "p3")
    after = last_event()
    editing.soft_delete(first)
    assert changes(polled(quinn, document, after)) == [("change", "p3", False)]
    assert "1 classmate" in margin(quinn, document, "p3") and "2 classmates" not in margin(quinn, document, "p3")
