"""The live stream and its polling fallback: what is sent to whom, resuming with Last-Event-ID,
ETag/304. These tests commit (transactional_db): events are published after commit, and the
stream reads them from other threads and a LISTEN connection, as in production."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import AsyncClient
from django.urls import reverse

from annotations.models import Visibility
from discussions.models import Vote
from groups.models import GroupSettings
from live import stream as live_stream
from live.models import LiveEvent
from tests.discussions_support import client_for, note
from tests.live_support import closing_connection, parse_sse, read_until_heartbeat, run_async

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_heartbeat(monkeypatch):
    monkeypatch.setattr(live_stream, "HEARTBEAT", 0.5)


@pytest.fixture
def cast(document, group_roles):
    group, other, people = group_roles
    paragraphs = {p.anchor: p for p in document.paragraphs.all()}
    return group, other, people, paragraphs


def stream_url(document):
    return reverse("live_stream", args=[document.slug])


async def read_stream(user, document, last_event_id="0", **params):
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    response = await client.get(stream_url(document), params, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    return parse_sse(await read_until_heartbeat(response))


def streamed(user, document, last_event_id="0"):
    return run_async(read_stream(user, document, last_event_id))


def annotation_ids(events):
    return [json.loads(e["data"])["annotation"] for e in events]


def test_an_event_someone_may_not_see_is_never_sent_to_them(document, cast):
    group, other, people, p = cast
    mia, otto, moritz = people["member"], people["outsider"], people["moderator"]
    public = note(otto, p["p2"], "Public remark")
    group_note = note(mia, p["p2"], "For the seminar", group=group)
    private = note(mia, p["p3"], "Only mine", visibility=Visibility.PRIVATE)
    reply = note(moritz, None, "A reply in the seminar", parent=group_note)
    other_group = note(people["other_instructor"], p["p3"], "Other seminar", group=other)
    Vote.objects.create(annotation=group_note, user=moritz)
    assert LiveEvent.objects.count() == 6

    outsider_sees = streamed(otto, document)
    assert annotation_ids(outsider_sees) == [public.pk]
    assert [e["event"] for e in outsider_sees] == ["annotation"]

    member_sees = streamed(mia, document)
    assert annotation_ids(member_sees) == [public.pk, group_note.pk, private.pk, reply.pk, group_note.pk]
    assert [e["event"] for e in member_sees] == ["annotation", "annotation", "annotation", "reply", "vote"]
    assert other_group.pk not in annotation_ids(member_sees)

    nobody_signed_in = streamed(None, document)
    assert annotation_ids(nobody_signed_in) == [public.pk]
    # The event carries where it happened, nothing of what was written.
    assert json.loads(member_sees[1]["data"]) == {
        "id": int(member_sees[1]["id"]), "kind": "annotation", "annotation": group_note.pk, "paragraph": "p2",
    }


def test_hide_until_posted_holds_back_events_too(document, cast):
    group, _other, people, p = cast
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    classmate_note = note(people["moderator"], p["p2"], "Moderator's view", group=group)
    # Only that a note waits on ¶ p2 (the margin's count goes up), not which.
    waiting = streamed(people["member"], document)
    assert [(e["event"], json.loads(e["data"])) for e in waiting] == [
        ("waiting", {"id": int(waiting[0]["id"]), "kind": "waiting", "paragraph": "p2"})
    ]
    mine = note(people["member"], p["p2"], "Now I have posted", group=group)
    assert annotation_ids(streamed(people["member"], document)) == [classmate_note.pk, mine.pk]
    assert [e["event"] for e in streamed(people["member"], document)] == ["annotation", "annotation"]


def test_a_removed_member_stops_receiving_group_events(document, cast):
    group, _other, people, p = cast
    note(people["moderator"], p["p2"], "Seminar note", group=group)
    assert len(streamed(people["member"], document)) == 1
    group.memberships.filter(user=people["member"]).delete()
    assert streamed(people["member"], document) == []


def test_a_rolled_back_note_publishes_nothing(document, cast):
    _group, _other, people, p = cast
    with pytest.raises(RuntimeError), transaction.atomic():
        note(people["member"], p["p2"], "Never saved")
        raise RuntimeError
    assert LiveEvent.objects.count() == 0


def test_the_stream_is_404_for_a_document_someone_may_not_read(document, cast):
    from versions.models import Publication

    group, _other, people, _p = cast
    Publication.objects.create(document=document, group=group)

    async def status(user):
        client = AsyncClient()
        await client.aforce_login(user)
        return (await client.get(stream_url(document))).status_code

    assert run_async(status(people["outsider"])) == 404


def test_events_committed_while_connected_arrive_through_listen_notify(document, cast):
    group, _other, people, p = cast
    mia, otto = people["member"], people["outsider"]

    async def scenario():
        member_client, outsider_client = AsyncClient(), AsyncClient()
        await member_client.aforce_login(mia)
        await outsider_client.aforce_login(otto)
        # Asked as a browser asks (gzip welcome): a stream is never compressed, which would hold
        # its events back in the compressor (config.middleware.CompressPagesMiddleware).
        member = await member_client.get(stream_url(document), headers={"Last-Event-ID": "0", "Accept-Encoding": "gzip"})
        outsider = await outsider_client.get(stream_url(document), headers={"Last-Event-ID": "0"})
        assert not member.has_header("Content-Encoding")
        member_chunks, outsider_chunks = member.streaming_content.__aiter__(), outsider.streaming_content.__aiter__()
        assert (await member_chunks.__anext__()).startswith(b"retry:")
        assert (await outsider_chunks.__anext__()).startswith(b"retry:")
        created = await sync_to_async(closing_connection(note), thread_sensitive=False)(mia, p["p4"], "Live!", group=group)

        async def next_event(chunks):
            while True:
                chunk = (await chunks.__anext__()).decode()
                if not chunk.startswith(":"):
                    return chunk

        arrived = parse_sse(await asyncio.wait_for(next_event(member_chunks), 10))
        assert annotation_ids(arrived) == [created.pk]
        # The outsider's stream only beats its heart; the group note never reaches it.
        outsider_text = ""
        for _ in range(3):
            outsider_text += (await asyncio.wait_for(outsider_chunks.__anext__(), 10)).decode()
        assert parse_sse(outsider_text) == []
        await member_chunks.aclose()
        await outsider_chunks.aclose()

    run_async(scenario())


def test_a_vote_brings_the_new_count_and_a_reply_its_thread_both_from_the_table_and_live(document, cast):
    # What the page changes without fetching: the count a vote leaves and the root whose card
    # counts a reply (nested replies too).
    group, _other, people, p = cast
    mia = people["member"]
    root = note(people["moderator"], p["p2"], "A root", group=group)
    reply = note(people["instructor"], p["p2"], "A reply", parent=root)
    nested = note(people["moderator"], p["p2"], "A reply to the reply", parent=reply)
    Vote.objects.create(annotation=root, user=people["instructor"])
    Vote.objects.create(annotation=root, user=people["moderator"])
    Vote.objects.filter(annotation=root, user=people["instructor"]).delete()
    caught_up = [json.loads(e["data"]) for e in streamed(mia, document)]
    assert [(e["kind"], e["annotation"], e.get("root"), e.get("votes")) for e in caught_up] == [
        ("annotation", root.pk, None, None),
        ("reply", reply.pk, root.pk, None),
        ("reply", nested.pk, root.pk, None),
        ("vote", root.pk, None, 1), ("vote", root.pk, None, 2), ("vote", root.pk, None, 1),
    ]

    async def live():
        client = AsyncClient()
        await client.aforce_login(mia)
        response = await client.get(stream_url(document), headers={"Last-Event-ID": str(
            await sync_to_async(lambda: LiveEvent.objects.order_by("-id").values_list("id", flat=True)[0])())})
        chunks = response.streaming_content.__aiter__()
        assert (await chunks.__anext__()).startswith(b"retry:")
        await sync_to_async(closing_connection(Vote.objects.create), thread_sensitive=False)(annotation=nested, user=mia)
        text = ""
        while "event: vote" not in text:
            text += (await asyncio.wait_for(chunks.__anext__(), 10)).decode()
        await chunks.aclose()
        return [json.loads(e["data"]) for e in parse_sse(text)]

    arrived = run_async(live())
    assert [(e["kind"], e["annotation"], e["votes"]) for e in arrived] == [("vote", nested.pk, 1)]


def test_resuming_with_last_event_id_loses_nothing(document, cast):
    group, _other, people, p = cast
    mia = people["member"]
    first = [note(people["moderator"], p["p2"], f"Before {n}", group=group) for n in range(3)]
    seen = streamed(mia, document)
    assert annotation_ids(seen) == [a.pk for a in first]
    last_seen = seen[-1]["id"]
    # Disconnected: more happens, some of it not for mia.
    later = [note(people["moderator"], p["p3"], f"While away {n}", group=group) for n in range(4)]
    note(people["moderator"], p["p3"], "Private while away", visibility=Visibility.PRIVATE)
    resumed = streamed(mia, document, last_event_id=last_seen)
    assert annotation_ids(resumed) == [a.pk for a in later]
    # Resuming from the middle gives exactly the rest, in order.
    assert annotation_ids(streamed(mia, document, last_event_id=resumed[1]["id"])) == [a.pk for a in later[2:]]


def test_a_fresh_page_gets_what_happened_since_it_was_rendered(document, cast):
    from django.utils import timezone

    group, _other, people, p = cast
    old = note(people["moderator"], p["p2"], "Long ago", group=group)
    LiveEvent.objects.filter(annotation=old).update(created=timezone.now() - timezone.timedelta(minutes=10))
    rendered = int(timezone.now().timestamp() * 1000)
    new = note(people["moderator"], p["p2"], "After the page", group=group)
    events = run_async(read_stream(people["member"], document, last_event_id=None, since=str(rendered)))
    assert annotation_ids(events) == [new.pk]


# --- The polling fallback ---------------------------------------------------------------------


def test_polling_gives_304_with_a_matching_etag_until_something_visible_arrives(document, cast):
    group, _other, people, p = cast
    client = client_for(people["outsider"])
    url = reverse("live_poll", args=[document.slug])
    first = client.get(url, {"after": 0})
    assert first.status_code == 200
    assert first.json()["events"] == []
    etag = first["ETag"]
    assert client.get(url, {"after": 0}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A group note the outsider may not see changes nothing for them: still 304, same ETag.
    note(people["member"], p["p2"], "Seminar only", group=group)
    unchanged = client.get(url, {"after": 0}, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    # A public note is news.
    public = note(people["member"], p["p2"], "For everyone")
    changed = client.get(url, {"after": 0}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    body = changed.json()
    assert [e["annotation"] for e in body["events"]] == [public.pk]
    assert body["last"] == body["events"][-1]["id"]
    # From the new cursor, nothing more.
    assert client.get(url, {"after": body["last"]}).json()["events"] == []
    assert client.get(url, {"after": body["last"]}, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200  # new cursor, new tag


def test_a_waiting_note_arrives_through_listen_notify_and_polling(document, cast, make_user):
    """A classmate posts while two members read: the one who has posted on the paragraph gets the
    note, the one who has not is told it waits; polling says the same."""
    group, _other, people, p = cast
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    mia, quinn, moritz = people["member"], make_user("quinn"), people["moderator"]
    group.memberships.create(user=quinn, role="member")
    note(mia, p["p4"], "Mine first", group=group)
    last = LiveEvent.objects.order_by("-id").values_list("id", flat=True).first()

    async def scenario():
        streams = {}
        for user in (mia, quinn):
            client = AsyncClient()
            await client.aforce_login(user)
            response = await client.get(stream_url(document), headers={"Last-Event-ID": str(last)})
            streams[user.username] = response.streaming_content.__aiter__()
            assert (await streams[user.username].__anext__()).startswith(b"retry:")
        created = await sync_to_async(closing_connection(note), thread_sensitive=False)(moritz, p["p4"], "Hm", group=group)

        async def next_event(chunks):
            while True:
                chunk = (await chunks.__anext__()).decode()
                if not chunk.startswith(":"):
                    return parse_sse(chunk)

        mia_got = await asyncio.wait_for(next_event(streams[mia.username]), 10)
        quinn_got = await asyncio.wait_for(next_event(streams[quinn.username]), 10)
        for chunks in streams.values():
            await chunks.aclose()
        return created, mia_got, quinn_got

    created, mia_got, quinn_got = run_async(scenario())
    assert [(e["event"], annotation_ids(mia_got)) for e in mia_got] == [("annotation", [created.pk])]
    assert [(e["event"], json.loads(e["data"])["paragraph"]) for e in quinn_got] == [("waiting", "p4")]
    polled = client_for(quinn).get(reverse("live_poll", args=[document.slug]), {"after": last}).json()["events"]
    assert [(e["kind"], e["paragraph"], "annotation" in e) for e in polled] == [("waiting", "p4", False)]


def test_polling_is_404_for_a_document_someone_may_not_read(document, cast):
    from versions.models import Publication

    group, _other, people, _p = cast
    Publication.objects.create(document=document, group=group)
    assert client_for(people["outsider"]).get(reverse("live_poll", args=[document.slug])).status_code == 404
    assert client_for(people["member"]).get(reverse("live_poll", args=[document.slug])).status_code == 200


def test_under_wsgi_the_stream_answers_204_so_the_page_polls(client, document):
    # A WSGI server would buffer an endless stream and hold a thread for it. (The test client
    # is WSGI; it runs the async view with async_to_sync, so not in a thread with a loop.)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as executor:
        response = executor.submit(closing_connection(client.get), stream_url(document)).result()
    assert response.status_code == 204
