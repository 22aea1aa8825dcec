"""Killing a gunicorn worker with SIGKILL in the middle of a write load loses no acknowledged
write and leaves no partial rows.

Real processes: gunicorn (2 workers, production settings) against a throwaway PostgreSQL
server. Four writer threads create annotations, each with two tags and a link (four rows in
one transaction), while the test kills a worker three times; gunicorn starts replacements.
"""

import os
import signal
import threading
import time

import psycopg
import pytest

from tests.ops_support import Gunicorn, ThrowawayPostgres, api, app_env, free_port, migrated_with_writer

WRITERS = 4
WRITES_PER_WRITER = 40  # bounded: 160 writes in all
KILLS = 3


@pytest.fixture(scope="module")
def stack():
    server = ThrowawayPostgres()
    app = None
    try:
        env = app_env(server.url(), API_WRITE_RATE="100000/min")
        writer = migrated_with_writer(env)
        app = Gunicorn(env, free_port((8106, 8110)), workers=2)
        yield server, app, writer
    finally:
        if app:
            app.stop()
        server.destroy()


def test_sigkill_mid_write_loses_no_acknowledged_write_and_leaves_no_partial_rows(stack):
    server, app, writer = stack
    acknowledged, errors, lock = {}, [], threading.Lock()

    def write(worker_no):
        for n in range(WRITES_PER_WRITER):
            marker = f"crash-test {worker_no}-{n}"
            payload = {"paragraph": writer["paragraphs"][n % len(writer["paragraphs"])], "body": marker,
                       "tags": ["crash", f"w{worker_no}"], "visibility": "group", "group": writer["group"],
                       "links": [{"url": f"https://example.org/{worker_no}/{n}"}]}
            try:
                response = api("POST", app.base, "/api/annotations", writer["token"], payload)
            except OSError as exc:  # the connection died with the worker: not acknowledged
                with lock:
                    errors.append(repr(exc))
                continue
            if response.status_code == 201:
                with lock:
                    acknowledged[marker] = response.json()["id"]
            else:
                with lock:
                    errors.append(response.status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    killed = 0
    deadline = time.monotonic() + 60
    while killed < KILLS and time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.3)
        if len(acknowledged) >= (killed + 1) * 20:  # kill while writes are flowing
            workers = app.worker_pids()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed += 1
    for thread in threads:
        thread.join(120)
    assert killed == KILLS, f"only {killed} kills: the writers finished too soon ({len(acknowledged)} writes)"
    assert len(acknowledged) > WRITERS * WRITES_PER_WRITER / 2, errors

    with psycopg.connect(host=str(server.pgdata), user="postgres", dbname="marginalia") as conn:
        rows = dict(conn.execute(
            "SELECT body, id FROM annotations_annotation WHERE body LIKE 'crash-test %'").fetchall())
        # Every acknowledged write is there, under the id the client was given.
        assert {marker: rows.get(marker) for marker in acknowledged} == acknowledged
        # No partial rows: every annotation that exists has both its tags and its link.
        partial = conn.execute("""
            SELECT a.id FROM annotations_annotation a
            WHERE a.body LIKE 'crash-test %%'
              AND ((SELECT count(*) FROM annotations_taggedannotation t WHERE t.content_object_id = a.id) <> 2
                   OR (SELECT count(*) FROM annotations_link l WHERE l.annotation_id = a.id) <> 1)
        """).fetchall()
        assert partial == []
        # Tags or links without their annotation cannot exist (foreign keys), and none were orphaned.
        assert conn.execute(
            "SELECT count(*) FROM annotations_link WHERE url LIKE 'https://example.org/%%' "
            "AND annotation_id NOT IN (SELECT id FROM annotations_annotation)").fetchone()[0] == 0
    # Writes that were never acknowledged may or may not have committed (killed after COMMIT,
    # before the answer), but never more rows than requests.
    assert len(rows) <= WRITERS * WRITES_PER_WRITER
