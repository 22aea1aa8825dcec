"""Two app processes against one database: what one writes, the other serves.

Nothing that another process needs lives in process memory: each annotation written through
one gunicorn is read back through the other, over the API and in search, and a
session made by signing in on one is honoured by the other (sessions live in PostgreSQL).
"""

import pytest

from tests.ops_support import Gunicorn, ThrowawayPostgres, api, app_env, free_port, http, migrated_with_writer, sign_in


@pytest.fixture(scope="module")
def two_apps():
    server = ThrowawayPostgres()
    apps = []
    try:
        env = app_env(server.url())
        writer = migrated_with_writer(env)
        first = Gunicorn(env, free_port((8106, 8107, 8108)), workers=1)
        apps.append(first)
        apps.append(Gunicorn(env, free_port((8110, 8109, 8108)), workers=1))
        yield apps, writer
    finally:
        for app in apps:
            app.stop()
        server.destroy()


def test_what_one_process_writes_the_other_serves(two_apps):
    (a, b), writer = two_apps
    for n, (writer_app, reader_app) in enumerate([(a, b), (b, a)]):
        word = f"quokka{writer_app.port}x{n}"
        body = f"Written through port {writer_app.port}: {word}"
        created = api("POST", writer_app.base, "/api/annotations", writer["token"],
                      {"paragraph": writer["paragraphs"][n], "body": body, "visibility": "public"})
        assert created.status_code == 201, created.text
        read = api("GET", reader_app.base, f"/api/annotations/{created.json()['id']}", writer["token"])
        assert read.status_code == 200 and read.json()["body"] == body
        found = http("GET", f"{reader_app.base}/search/?q={word}", headers={"X-Forwarded-Proto": "https"})
        assert found.status_code == 200 and word in found.text


def test_a_session_made_on_one_process_is_honoured_by_the_other(two_apps):
    (a, b), _ = two_apps
    https = {"X-Forwarded-Proto": "https"}
    session = sign_in(a, "writer")

    # A page only a signed-in person sees, served by the other process.
    groups = http("GET", b.base + "/groups/", headers={**https, "Cookie": f"sessionid={session}"})
    assert groups.status_code == 200
    assert "Fault seminar" in groups.text
    anonymous = http("GET", b.base + "/groups/", headers=https)
    assert anonymous.status_code == 302
