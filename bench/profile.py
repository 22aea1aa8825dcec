#!/usr/bin/env python
"""Where a single request's time goes: each of the seminar's request types, one at a time,
against the benchmark's database (bench/run.py seeds it), in this process, with production
settings.

    .venv/bin/python bench/profile.py                       # wall time, Python vs SQL, per type
    .venv/bin/python bench/profile.py --pyinstrument var/profiles   # and a call tree per type
    .venv/bin/python bench/profile.py --statements          # and pg_stat_statements' top queries

Each type is asked --repeat times after one request not counted (warm caches, as a running
worker has); the figures are medians. SQL time is measured around each query as the app
sends it (connection.execute_wrapper), so "python" is everything else: the ORM building
queries, presenters, templates; "cpu" is this process's CPU time for the request, which a
busy shared machine disturbs less than wall time. pg_stat_statements needs the server to preload it; with the
embedded server this script sets that up, and it takes effect from the server's next start.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: the database, settings and plan the benchmark uses)

import django  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="marginalia_bench")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="", help="Comma-separated request types.")
    parser.add_argument("--pyinstrument", default="", help="Folder for a call tree per type (text).")
    parser.add_argument("--statements", action="store_true", help="pg_stat_statements' top queries per type.")
    return parser.parse_args()


class Timer:
    """Every query's count and time, through the connection's execute wrapper."""

    def __init__(self):
        self.queries, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def requests(plan, person, client):
    """The seminar's request types as (name, function making one request, expected status)."""
    from itertools import count

    seminar = plan["scenarios"]["seminar"]
    views = count()
    hx = {"HTTP_HX_REQUEST": "true"}
    token = {"HTTP_AUTHORIZATION": f"Bearer {person['token']}"}
    paragraphs = plan["paragraph_ids"]
    public = seminar["public_notes"]
    picks = count()

    def pick(items):
        return items[next(picks) % len(items)]

    etags = {}

    def reload():
        """The page asked again with the ETag of an earlier view, nothing changed since (304)."""
        if "reading" not in etags:
            etags["reading"] = client.get(seminar["reading"])["ETag"]
        return client.get(seminar["reading"], headers={"If-None-Match": etags["reading"]})

    return [
        ("first view", lambda: client.get(f"{seminar['reading']}?view={next(views)}"), 200),
        ("kept view", lambda: client.get(seminar["reading"]), 200),
        ("unchanged reload", reload, 304),
        ("margin batch", lambda: client.get(pick(seminar["batches"][:3]), **hx), 200),
        ("paragraph's notes", lambda: client.get(pick(seminar["paragraphs"]), **hx), 200),
        ("search", lambda: client.get(pick(seminar["searches"])), 200),
        ("write a note (API)", lambda: client.post(
            "/api/annotations", {"paragraph": pick(paragraphs), "body": "Profiled note.", "tags": ["profile"],
                                 "visibility": "group", "group": person["group"]},
            content_type="application/json", **token), 201),
        ("reply (API)", lambda: client.post(f"/api/annotations/{pick(public)}/replies", {"body": "Profiled reply."},
                                            content_type="application/json", **token), 201),
        ("vote", lambda: client.post(f"/annotations/{pick(public)}/vote/", **hx), 200),
    ]


def main():
    args = arguments()
    url = run.database_url(args.database)
    os.environ.update(run.production_env(url, None), ALLOWED_HOSTS="testserver", DB_POOL="false")
    django.setup()
    from django.db import connection
    from django.test import Client

    from reader.models import Document

    statements = args.statements and statements_ready(connection)
    document = Document.objects.order_by("pk").first()
    person = run.identities(1)[0]
    plan = run.build_plan(document, [person], 8000)
    # As a browser asks: compressed if the server compresses (bytes says what was sent).
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    client.cookies["sessionid"] = person["session"]
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    out = Path(args.pyinstrument) if args.pyinstrument else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    print(f"{annotation_count():,} annotations; median of {args.repeat}, ms")
    print(f"{'request':28} {'wall':>7} {'sql':>7} {'python':>7} {'cpu':>7} {'queries':>7} {'bytes':>8}")
    for name, make, expected in requests(plan, person, client):
        if only and name not in only:
            continue
        response = make()  # not counted: the process's caches warm, as a running worker's are
        assert response.status_code == expected, (name, response.status_code, response.content[:300])
        if statements:
            reset_statements()
        walls, sqls, counts, cpus = [], [], [], []
        for _ in range(args.repeat):
            timer = Timer()
            started, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timer):
                response = make()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            sqls.append(timer.seconds)
            counts.append(timer.queries)
            assert response.status_code == expected, (name, response.status_code)
        wall, sql = statistics.median(walls) * 1000, statistics.median(sqls) * 1000
        cpu = statistics.median(cpus) * 1000
        print(f"{name:28} {wall:7.1f} {sql:7.1f} {wall - sql:7.1f} {cpu:7.1f} {statistics.median(counts):7.0f}"
              f" {len(response.content):8,}", flush=True)
        if statements:
            for calls, mean, text in top_statements():
                print(f"    {calls:4} × {mean:7.2f} ms  {text}")
        if out:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(5):
                    make()
            slug = name.replace(" ", "-").replace("'", "").replace(",", "").replace("(", "").replace(")", "")
            (out / f"{slug}.txt").write_text(profiler.output_text(unicode=True, show_all=False))


def annotation_count():
    from annotations.models import Annotation

    return Annotation.objects.count()


def statements_ready(connection) -> bool:
    """pg_stat_statements, if the server preloads it; otherwise ask for it from its next start."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_preload_libraries")
        if "pg_stat_statements" in cursor.fetchone()[0]:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            return True
        cursor.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
    print("pg_stat_statements is set to load from the server's next start (stop it: make stop).")
    return False


def reset_statements():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_statements_reset()")


def top_statements(limit=6):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT calls, mean_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 150) FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND query NOT LIKE '%%pg_stat_statements%%' ORDER BY total_exec_time DESC LIMIT %s", [limit])
        return cursor.fetchall()


if __name__ == "__main__":
    main()
