"""With REDIS_URL set, two app processes share their cache, sessions and write limits through a
real Redis server (and PostgreSQL keeps what must last: sessions survive a Redis restart)."""

import psycopg
import pytest

from tests.ops_support import (
    Gunicorn,
    ThrowawayPostgres,
    ThrowawayRedis,
    api,
    app_env,
    free_port,
    http,
    migrated_with_writer,
    redis_server_or_skip,
    sign_in,
)

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def apps_on_redis():
    redis_server_or_skip()
    server, redis, apps = ThrowawayPostgres(), None, []
    try:
        redis = ThrowawayRedis(free_port((6391, 6392, 6393)))
        env = app_env(server.url(), REDIS_URL=redis.url(), API_WRITE_RATE="3/hour")
        writer = migrated_with_writer(env)
        apps.append(Gunicorn(env, free_port((8116, 8117, 8118)), workers=1))
        apps.append(Gunicorn(env, free_port((8120, 8119, 8118)), workers=1))
        yield apps, writer, redis, server
    finally:
        for app in apps:
            app.stop()
        if redis:
            redis.destroy()
        server.destroy()


def test_a_session_is_read_from_redis_by_either_process_and_outlives_a_flush(apps_on_redis):
    (a, b), _writer, redis, _server = apps_on_redis
    session = sign_in(a, "writer")
    assert any(session.encode() in key for key in redis.client.keys("*")), "the session is cached in Redis"

    page = http("GET", b.base + "/groups/", headers={**HTTPS, "Cookie": f"sessionid={session}"})
    assert page.status_code == 200 and "Fault seminar" in page.text

    redis.client.flushall()  # as a Redis restart would leave it
    page = http("GET", b.base + "/groups/", headers={**HTTPS, "Cookie": f"sessionid={session}"})
    assert page.status_code == 200 and "Fault seminar" in page.text  # read back from PostgreSQL


def test_write_limits_are_counted_in_redis_across_processes(apps_on_redis):
    (a, b), writer, redis, server = apps_on_redis
    payload = {"paragraph": writer["paragraphs"][0], "body": "Counted in Redis", "visibility": "public"}
    for app in (a, b, a):
        assert api("POST", app.base, "/api/annotations", writer["token"], payload).status_code == 201
    refused = api("POST", b.base, "/api/annotations", writer["token"], payload)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert [int(redis.client.get(key)) for key in redis.client.keys("*rate:api-write:*")] == [4]
    # Not in PostgreSQL's counter table, and exactly the three allowed writes were kept.
    with psycopg.connect(server.url()) as conn:
        assert conn.execute("SELECT count(*) FROM api_ratecounter").fetchone() == (0,)
        kept = conn.execute("SELECT count(*) FROM annotations_annotation WHERE body = 'Counted in Redis'").fetchone()
    assert kept == (3,)
