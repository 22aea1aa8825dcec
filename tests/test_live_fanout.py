"""Live streams through a real ASGI server (uvicorn in a subprocess) with the connection pool
on, kept small: open streams hold no pooled connection, and one LISTEN connection per process
fans each event out to exactly the streams whose person may see it."""

import asyncio
from urllib.request import urlopen

import pytest
from django.db import connection
from django.test import Client

from groups.models import GroupSettings, Membership, Role
from tests.discussions_support import note
from tests.live_support import AsgiServer, closing_connection, run_async

pytestmark = pytest.mark.django_db(transaction=True)

POOL_SIZE = 2
APP_NAME = "marginalia-live-fanout"  # libpq's PGAPPNAME: the server's connections, not the test's
STUDENTS = 8


@pytest.fixture
def server():
    # A stream that kept a pooled connection would leave the third one waiting for the pool,
    # and refused (503) after DB_POOL_TIMEOUT.
    asgi = AsgiServer(extra_env={
        "PGAPPNAME": APP_NAME, "DB_POOL": "true", "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": str(POOL_SIZE), "DB_POOL_TIMEOUT": "3",
    }).wait_ready()
    yield asgi
    asgi.stop()


@pytest.fixture
def seminar(document, group_roles, make_user):
    group, _other, people = group_roles
    students = [people["member"]]
    for n in range(STUDENTS - 1):
        student = make_user(f"student{n}")
        Membership.objects.create(group=group, user=student, role=Role.MEMBER)
        students.append(student)
    return group, people, students, {p.anchor: p for p in document.paragraphs.all()}


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_stream(port, path, cookie):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
        f"Cookie: sessionid={cookie}\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:300]
    assert b"retry:" in await reader.readuntil(b"\n\n")
    return reader, writer


async def read_until(reader, marker: bytes) -> bytes:
    seen = b""
    while marker not in seen:
        seen += await reader.readuntil(b"\n\n")
    return seen


def server_connections() -> list[str]:
    """The server's connections to the test database, by state (pg_stat_activity)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(state, '') FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APP_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def marker(annotation) -> bytes:
    return f'"annotation": {annotation.pk}'.encode()


def test_open_streams_hold_no_pooled_connection_and_get_only_what_they_may_see(server, document, seminar):
    group, people, students, p = seminar
    readers = {"outsider": people["outsider"], "moderator": people["moderator"]}
    readers.update({f"student{n}": student for n, student in enumerate(students)})
    cookies = {name: session_cookie(user) for name, user in readers.items()}
    path = f"/d/{document.slug}/live/stream/"

    async def scenario():
        names = list(cookies)
        opened = await asyncio.wait_for(
            asyncio.gather(*[open_stream(server.port, path, cookies[name]) for name in names]), 60
        )
        streams = dict(zip(names, opened, strict=True))
        try:
            # Ten streams open, a pool of two: every stream answered, and the server holds no
            # more than its pool and the one LISTEN connection.
            states = await asyncio.to_thread(closing_connection(server_connections))
            assert 1 <= len(states) <= POOL_SIZE + 1, states  # (the LISTEN connection among them)
            assert "idle in transaction" not in states
            # And the reading page, which needs the pool, still answers.
            page = await asyncio.to_thread(urlopen, server.url + document.get_absolute_url(), timeout=30)
            assert page.status == 200

            write = closing_connection(note)
            group_note = await asyncio.to_thread(write, students[1], p["p2"], "For the seminar", group=group)
            public = await asyncio.to_thread(write, people["outsider"], p["p3"], "For everyone")
            # Waiting for the public note, which comes after the group note, on every stream:
            # the group note reached the members and the moderator, not the outsider.
            arrived = dict(zip(names, await asyncio.wait_for(
                asyncio.gather(*[read_until(streams[name][0], marker(public)) for name in names]), 30
            ), strict=True))
            for name, text in arrived.items():
                assert (marker(group_note) in text) == (name != "outsider"), name
        finally:
            for _reader, writer in streams.values():
                writer.close()

    run_async(scenario())
    assert server.process.poll() is None


def test_a_withholding_group_note_reaches_live_only_those_who_have_posted_there(server, document, seminar):
    group, people, students, p = seminar
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    posted, not_yet = students[0], students[1]
    note(posted, p["p2"], "My group take", group=group)
    names = {"posted": posted, "not_yet": not_yet, "moderator": people["moderator"]}
    cookies = {name: session_cookie(user) for name, user in names.items()}
    path = f"/d/{document.slug}/live/stream/"

    async def scenario():
        streams = {name: await open_stream(server.port, path, cookie) for name, cookie in cookies.items()}
        try:
            write = closing_connection(note)
            classmate = await asyncio.to_thread(write, students[2], p["p2"], "Classmate", group=group)
            public = await asyncio.to_thread(write, people["outsider"], p["p2"], "Public")
            for name, (reader, _writer) in streams.items():
                text = await asyncio.wait_for(read_until(reader, marker(public)), 30)
                assert (marker(classmate) in text) == (name != "not_yet"), name
        finally:
            for _reader, writer in streams.values():
                writer.close()

    run_async(scenario())


def test_someone_removed_from_the_group_stops_receiving_its_notes_at_once(server, document, seminar):
    group, people, students, p = seminar
    leaving, staying = students[0], students[1]
    cookies = {"leaving": session_cookie(leaving), "staying": session_cookie(staying)}
    path = f"/d/{document.slug}/live/stream/"

    async def scenario():
        streams = {name: await open_stream(server.port, path, cookie) for name, cookie in cookies.items()}
        try:
            remove = closing_connection(lambda: Membership.objects.filter(group=group, user=leaving).delete())
            await asyncio.to_thread(remove)
            write = closing_connection(note)
            group_note = await asyncio.to_thread(write, staying, p["p2"], "After you left", group=group)
            public = await asyncio.to_thread(write, people["outsider"], p["p3"], "For everyone")
            for name, (reader, _writer) in streams.items():
                text = await asyncio.wait_for(read_until(reader, marker(public)), 30)
                assert (marker(group_note) in text) == (name == "staying"), name
        finally:
            for _reader, writer in streams.values():
                writer.close()

    run_async(scenario())
