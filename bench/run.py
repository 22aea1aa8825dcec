#!/usr/bin/env python
"""Marginalia's load benchmark: gunicorn under production settings on loopback, driven by locust.

    make bench                                   # the full run: 1k..1M annotations
    .venv/bin/python bench/run.py --scales 1k,2k --duration 3 --clients 1,5   # a smoke run

For each data scale (annotations in a separate database, marginalia_bench), it measures the
reading page and a search with one client (the scale curve); at the largest scale it measures
every scenario at each client count, the floor (/livez, a trivial Django view) included.
Results: bench/results/<time>.json, and bench/results/latest.md with latest.svg beside it.
See bench/README.md for what each figure means and the targets.
"""

import argparse
import json
import math
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import django
import psutil
import psycopg
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# The project's own modules are imported where they are used, not here: this script chooses the
# settings (its own database, production settings) from its arguments before Django is set up,
# and the models may only be imported after that.
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"

SCENARIOS = ["floor", "reading", "reading_first", "paragraph", "create", "search", "api_list"]
TITLES = {
    "floor": "Floor: trivial Django view (/livez)",
    "reading": "Reading page, as a group member",
    "reading_first": "Reading page, first view (not cached)",
    "paragraph": "A paragraph's annotations",
    "create": "Create an annotation (API)",
    "search": "Search",
    "api_list": "API list call",
}
SEARCH_WORDS = ["industrial", "policy", "modernization", "green", "digital", "energy", "innovation", "evidence"]


def parse_scale(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (
        f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n))


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1k,10k,100k,1M", help="Annotation counts for the scale curve.")
    parser.add_argument("--clients", default="1,20,50", help="Concurrent clients for the full matrix.")
    parser.add_argument("--duration", type=float, default=20, help="Seconds per measurement (after ramp-up).")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: as config/gunicorn.conf.py).")
    parser.add_argument("--port", type=int, default=8109, help="Loopback port for gunicorn.")
    parser.add_argument("--database", default="marginalia_bench", help="Database the benchmark owns.")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--documents", type=int, default=50, help="Papers the annotations spread over.")
    parser.add_argument("--fresh", action="store_true", help="Drop the benchmark database first.")
    parser.add_argument("--label", default="", help="A note stored with the results (machine, purpose).")
    parser.add_argument("--seminar", default="50,100,200,300,400",
                        help="Class sizes for the seminar scenario (empty: skip it).")
    parser.add_argument("--seminar-duration", type=float, default=90, help="Seconds per class size.")
    parser.add_argument("--seminar-only", action="store_true",
                        help="Only the seminar (at the largest of --scales): no scale curve, no matrix.")
    parser.add_argument("--seminar-workers", default="",
                        help="Run the seminar once per gunicorn worker count, e.g. 1,2 (default: --workers).")
    parser.add_argument("--curve-only", action="store_true",
                        help="Only the scale curve (reading page, its first view, search; 1 client at each scale).")
    args = parser.parse_args()
    args.scales = sorted(parse_scale(s) for s in args.scales.split(","))
    args.clients = sorted(int(c) for c in args.clients.split(","))
    args.seminar = sorted(int(c) for c in args.seminar.split(",") if c.strip())
    args.seminar_workers = [int(w) for w in args.seminar_workers.split(",") if w.strip()]
    if args.curve_only:
        args.seminar = []
    return args


# --- The database and the app --------------------------------------------------------------


def database_url(name: str) -> str:
    """BENCH_DATABASE_URL when set; otherwise database `name` on the embedded server (socket)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    from config.embedded_db import start_server

    global _embedded_handle  # held for the whole run, so the server stays up
    _embedded_handle = start_server()
    info = _embedded_handle.get_postmaster_info()
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{name}"


def create_database(url: str, fresh: bool) -> None:
    db = dj_database_url.parse(url)
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def production_env(url: str, workers: int | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # loopback, no TLS proxy in front
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        # The benchmark writes faster than a person; the API's per-user write limit would
        # otherwise answer 429 and the figures would measure the limiter.
        API_WRITE_RATE="1000000/min",
        LOG_LEVEL="WARNING",  # to the kept server log: a 503 says why there
    )
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


class Server:
    """gunicorn with production settings on a loopback port, as `make serve` runs it (ASGI,
    uvicorn workers); stopped by its own pid."""

    def __init__(self, env, port):
        self.base = f"http://127.0.0.1:{port}"
        # Kept after the run (var/ is git-ignored): a 500 in the figures is explained there.
        log_path = ROOT / "var" / "bench" / f"gunicorn-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log_path, "w+")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.asgi:application", "--config", "config/gunicorn.conf.py",
             "--worker-class", "uvicorn_worker.UvicornWorker",
             "--bind", f"127.0.0.1:{port}", "--max-requests", "0"],  # no recycling mid-measurement
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited:\n" + Path(self.log.name).read_text())
            try:
                urllib.request.urlopen(self.base + "/livez", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start in time")

    def worker_rss(self) -> list[int]:
        return [child.memory_info().rss for child in psutil.Process(self.process.pid).children()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        if os.path.getsize(self.log.name) == 0:
            os.unlink(self.log.name)
        else:
            print(f"  server log: {self.log.name}")


# --- Data and the plan the load driver reads -------------------------------------------------


def grow_data(target: int, args) -> int:
    """Add demo annotations until there are `target`; returns the count."""
    from annotations.models import Annotation

    current = Annotation.objects.count()
    if current < target:
        first_time = not get_user_model().objects.filter(username__startswith="demo").exists()
        print(f"Seeding {target - current:,} annotations (to {human(target)})...", flush=True)
        call_command("seed_demo", users=args.users if first_time else 0, groups=args.groups if first_time else 0,
                     annotations=target - current, documents=args.documents, seed=target)
        # Write the load's dirty pages out now, not while the next measurement runs; and give
        # the planner the statistics autovacuum would in time (tables seeding left empty
        # included: never analysed, PostgreSQL guesses ~1,000 rows and plans around them).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    return Annotation.objects.count()


def identities(count: int) -> list[dict]:
    """Demo users who are members of a group (the seminar's students are), each with a
    server-side session (as after logging in) and an API token."""
    from api.models import ApiToken
    from groups.models import Membership

    people = []
    users = get_user_model().objects.filter(username__startswith="demo", memberships__isnull=False).distinct()
    for user in users.order_by("pk")[:count]:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token = ApiToken.issue(user, "benchmark")[1]
        group = Membership.objects.filter(user=user).values_list("group_id", flat=True).first()
        people.append({"username": user.username, "session": session.session_key, "token": token, "group": group})
    return people


def build_plan(document, people, port: int) -> dict:
    paragraphs = list(document.paragraphs.order_by("position"))
    body = [p for p in paragraphs if p.kind == "body"] or paragraphs
    scenarios = {
        "floor": {"paths": ["/livez"], "auth": "none"},
        "reading": {"paths": [document.get_absolute_url()], "auth": "session"},
        # Each request a new address (?view=<random>), so the page cache never has it: what
        # building the page costs, as on a reader's first view or after a change.
        "reading_first": {"paths": [document.get_absolute_url()], "auth": "session", "unique": True},
        "create": {"paths": ["/api/annotations"], "auth": "token", "method": "POST", "expect": 201},
        "search": {"paths": [f"{reverse('search')}?q={word}" for word in SEARCH_WORDS], "auth": "session"},
        "api_list": {"paths": [f"/api/annotations?document={document.slug}&limit=50"], "auth": "token"},
    }
    # As the reading page's htmx asks for it: the margin partial, not a whole page.
    scenarios["paragraph"] = {
        "paths": [reverse("paragraph_margin", kwargs={"slug": document.slug, "anchor": p.anchor}) for p in body[:20]],
        "auth": "session", "headers": {"HX-Request": "true"},
    }
    scenarios["seminar"] = seminar_plan(document, body, people[0]["username"])
    for name, scenario in scenarios.items():
        scenario.setdefault("method", "GET")
        scenario.setdefault("expect", 200)
        scenario["name"] = name
    return {"scenarios": scenarios, "identities": people, "paragraph_ids": [p.pk for p in body], "notes": {},
            # The seminar's votes are forms: a CSRF cookie and its token, as a browser holds them.
            "csrf": CSRF_SECRET, "origin": f"https://127.0.0.1:{port}"}


CSRF_SECRET = secrets.token_hex(16)  # 32 characters, as Django's unmasked secret
# How far a student's scroll reads on, in margin cards: three windows (MARGIN_LIMIT cards beside a
# paragraph fill one), whatever the size of the page's batches.
SCROLL_CARDS = 36


def seminar_plan(document, body, username) -> dict:
    """What a student does on the seed paper (bench/locustfile.py, Student): the addresses. The
    margin batches are those the page asks for as it scrolls (its data-batch addresses: runs of
    at most annotations.reading.BATCH_BUDGET cards), as the first student's page cuts them."""
    from annotations.models import Annotation
    from annotations.reading import MARGIN_LIMIT, MarginFilter, document_counts, margin_batch_url, margin_batches
    from reader.rendering import ReadingPage

    slug = document.slug
    student = get_user_model().objects.get(username=username)
    shown = MarginFilter.from_params(student, {})
    notes = {pk: n for pk, (n, _heat) in document_counts(student, document, shown).items()}
    batches = margin_batches(ReadingPage.of(document).paragraphs, notes)[1:]  # the first comes with the page
    # A scroll reads on by SCROLL_CARDS cards' worth of margin: the batches that brings into view.
    scroll, cards = [], 0
    for batch in batches:
        if cards >= SCROLL_CARDS:
            break
        scroll.append(batch)
        cards += sum(min(notes.get(p.pk, 0), MARGIN_LIMIT) for p in batch)
    public = list(Annotation.objects.filter(paragraph__document=document, visibility="public", parent__isnull=True)
                  .order_by("pk").values_list("pk", flat=True)[:200])
    return {
        "auth": "session", "paths": [document.get_absolute_url()],
        "reading": document.get_absolute_url(),
        "stream": reverse("live_stream", kwargs={"slug": slug}),
        "batches": [margin_batch_url(document, batch, shown) for batch in batches],
        "scroll": [margin_batch_url(document, batch, shown) for batch in scroll],
        "paragraphs": [reverse("paragraph_margin", kwargs={"slug": slug, "anchor": p.anchor}) for p in body[:20]],
        "searches": [f"{reverse('search')}?q={word}" for word in SEARCH_WORDS],
        "public_notes": public,
        # Every paragraph in reading order with its margin's address: what live.js fetches when
        # an event names a paragraph near the reader's view.
        "margins": [[p.anchor, reverse("paragraph_margin", kwargs={"slug": slug, "anchor": p.anchor})]
                    for p in document.paragraphs.order_by("position")],
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer in itself (say, to the login form)


_opener = urllib.request.build_opener(_NoRedirect)


def probe(base: str, plan: dict) -> None:
    """One request per scenario before measuring: an endpoint that is missing or answers
    something else is skipped with the reason, never measured as if it worked."""
    person = plan["identities"][0]
    # The pages are measured signed in: make sure the sessions really sign in (a sign-in-only
    # page answers 200, not a redirect to the login form).
    signed_in = urllib.request.Request(base + reverse("groups"), headers={
        "X-Forwarded-Proto": "https", "Cookie": f"sessionid={person['session']}"})
    try:
        status = _opener.open(signed_in, timeout=30).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"The benchmark's sessions are not signed in ({reverse('groups')} answered {status})")
    for name, scenario in list(plan["scenarios"].items()):
        headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json", **scenario.get("headers", {})}
        if scenario["auth"] == "session":
            headers["Cookie"] = f"sessionid={person['session']}"
        elif scenario["auth"] == "token":
            headers["Authorization"] = f"Bearer {person['token']}"
        data = None
        if scenario["method"] == "POST":
            data = json.dumps({"paragraph": plan["paragraph_ids"][0], "body": "probe", "visibility": "group",
                               "group": person["group"]}).encode()
        request = urllib.request.Request(base + scenario["paths"][0], data=data, headers=headers,
                                         method=scenario["method"])
        try:
            status = _opener.open(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != scenario["expect"]:
            del plan["scenarios"][name]
            plan["notes"][name] = f"{scenario['method']} {scenario['paths'][0]} answered {status}, expected {scenario['expect']}"


# --- Measuring ---------------------------------------------------------------------------------


def percentile(histogram: dict, fraction: float) -> float:
    """From locust's response-time histogram ({ms: count}, ms rounded as locust does)."""
    total = sum(histogram.values())
    seen = 0
    for ms, count in sorted((float(k), v) for k, v in histogram.items()):
        seen += count
        if seen >= fraction * total:
            return ms
    return 0.0


WARM_UP_SECONDS = 3
CURVE_SERIES = ("reading", "reading_first", "search")  # measured at each scale, one client


def locust_command(server: Server, clients: int, seconds: float) -> list[str]:
    return [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary", "--json",
        "--host", server.base, "--users", str(clients), "--spawn-rate", str(max(clients, 1)),
        # Stats start once every client runs (ramp-up is not measured); the run is time-bounded.
        "--reset-stats", "--run-time", f"{int(seconds + 1)}s", "--stop-timeout", "10", "--loglevel", "ERROR",
    ]


def measure(server: Server, plan_path: Path, scenario: str, clients: int, duration: float) -> dict:
    env = dict(os.environ, BENCH_PLAN=str(plan_path), BENCH_SCENARIO=scenario)
    # A warm-up run first, not counted: each client signs in its connection, the server's
    # connection pool fills, and the reading page's cache holds each reader's page, so the
    # figures are the steady state (reading_first shows what a page costs when not cached).
    subprocess.run(locust_command(server, clients, WARM_UP_SECONDS), cwd=ROOT, env=env, capture_output=True,
                   timeout=WARM_UP_SECONDS + 120)
    command = locust_command(server, clients, duration)
    rss = []
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = threading.Thread(target=lambda: _sample_rss(server, process, rss), daemon=True)
    sampler.start()
    out, err = process.communicate(timeout=duration + 120)
    sampler.join(5)
    stats = [s for s in json.loads(out[out.index("["):]) if s["name"] == scenario] if "[" in out else []
    if not stats:
        return {"error": (err or out)[-2000:]}
    s = stats[0]
    elapsed = max(s["last_request_timestamp"] - s["start_time"], 1e-9)
    return {
        "clients": clients,
        "requests": s["num_requests"],
        "failures": s["num_failures"],
        "rps": round(s["num_requests"] / elapsed, 1),
        "p50_ms": percentile(s["response_times"], 0.50),
        "p95_ms": percentile(s["response_times"], 0.95),
        "p99_ms": percentile(s["response_times"], 0.99),
        "max_ms": round(s["max_response_time"], 1),
        "max_worker_rss_mb": round(max(rss, default=0) / 2**20, 1),
    }


def _sample_rss(server, process, out):
    while process.poll() is None:
        try:
            out.extend(server.worker_rss())
        except Exception:  # a worker exiting between listing and reading
            pass
        time.sleep(0.5)


def measure_seminar(server: Server, plan_path: Path, students: int, duration: float, url: str) -> dict:
    """One class size: every student joins within SEMINAR_RAMP seconds (a class opens the paper
    in the same minute; the joining is measured, not reset away) and acts for `duration`."""
    env = dict(os.environ, BENCH_PLAN=str(plan_path), BENCH_SCENARIO="seminar")
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary", "--json",
        "--host", server.base, "--users", str(students), "--spawn-rate", str(max(students / SEMINAR_RAMP, 1)),
        "--run-time", f"{int(duration)}s", "--stop-timeout", "15", "--loglevel", "ERROR",
    ]
    rss, connections_in_use = [], []
    load_before = os.getloadavg()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samplers = [threading.Thread(target=lambda: _sample_rss(server, process, rss), daemon=True),
                threading.Thread(target=lambda: _sample_connections(url, process, connections_in_use), daemon=True)]
    for sampler in samplers:
        sampler.start()
    out, err = process.communicate(timeout=duration + 180)
    for sampler in samplers:
        sampler.join(5)
    if "[" not in out:
        return {"students": students, "error": (err or out)[-2000:]}
    types = {}
    for s in json.loads(out[out.index("["):]):
        types[s["name"]] = {
            "requests": s["num_requests"], "failures": s["num_failures"],
            "p50_ms": percentile(s["response_times"], 0.50), "p95_ms": percentile(s["response_times"], 0.95),
            "p99_ms": percentile(s["response_times"], 0.99), "max_ms": round(s["max_response_time"], 1),
        }
    requests = {k: v for k, v in types.items() if not k.startswith("live:")}
    return {
        "students": students, "duration_s": duration, "types": types,
        "requests": sum(v["requests"] for v in requests.values()),
        "failures": sum(v["failures"] for v in requests.values()),
        "rps": round(sum(v["requests"] for v in requests.values()) / duration, 1),
        "streams_refused": types.get("live: stream refused", {}).get("requests", 0),
        "streams_broken": types.get("live: stream broken", {}).get("requests", 0),
        "db_connections_max": max((c[0] for c in connections_in_use), default=0),
        "db_connections_active_max": max((c[1] for c in connections_in_use), default=0),
        "max_worker_rss_mb": round(max(rss, default=0) / 2**20, 1),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }


SEMINAR_RAMP = 10  # seconds in which the whole class joins


def _sample_connections(url, process, out):
    """(connections to the benchmark database, of them not idle) from pg_stat_activity, twice a second."""
    db = dj_database_url.parse(url)
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname=db["NAME"], autocommit=True) as conn:
        while process.poll() is None:
            out.append(conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone())
            time.sleep(0.5)


# --- Reporting ----------------------------------------------------------------------------------


def targets(result: dict) -> list[dict]:
    """The issue's goals, judged on this run's figures (None when this run cannot tell)."""
    matrix = result["matrix"]
    curve = result["scale_curve"]

    def at(scenario, clients, key="p95_ms"):
        row = next((r for r in matrix.get(scenario, []) if r.get("clients") == clients), None)
        return row.get(key) if row else None

    rows = []
    reading20, floor20 = at("reading", 20), at("floor", 20)
    rows.append({"goal": "Reading page p95 ≤ 3 × floor p95, at 20 clients",
                 "measured": f"{reading20} ms vs 3 × {floor20} ms" if reading20 and floor20 else "n/a",
                 "met": (reading20 <= 3 * floor20) if reading20 and floor20 else None})
    largest = curve[-1] if curve else None
    search = largest and largest.get("search", {}).get("p95_ms")
    rows.append({"goal": "Search p95 < 100 ms over 1M annotations, 1 client",
                 "measured": f"{search} ms at {human(largest['annotations'])}" if search else "n/a",
                 "met": (search < 100) if search and largest["annotations"] >= 1_000_000 else None})
    create = at("create", 1)
    rows.append({"goal": "Create an annotation p95 < 50 ms (1 client)",
                 "measured": f"{create} ms" if create else "n/a", "met": (create < 50) if create else None})
    first = curve[0] if curve else None
    ok_scale = bool(first and largest and first["annotations"] <= 1000 and largest["annotations"] >= 1_000_000)
    for name, goal in (("reading", "Reading page at 1M ≤ 1.5 × its time at 1k (median, 1 client)"),
                       ("reading_first", "Reading page's first view at 1M ≤ 1.5 × at 1k (reported beside the goal)")):
        small = first and first.get(name, {}).get("p50_ms")
        large = largest and largest.get(name, {}).get("p50_ms")
        rows.append({"goal": goal,
                     "measured": f"{large} ms at {human(largest['annotations'])} vs {small} ms at "
                                 f"{human(first['annotations'])} ({large / small:.2f}×)" if small and large else "n/a",
                     "met": (large <= 1.5 * small) if ok_scale and small and large else None})
    rss = max([r.get("max_worker_rss_mb", 0) for rows_ in matrix.values() for r in rows_], default=0)
    rows.append({"goal": "A worker's memory < 150 MB (largest RSS seen)", "measured": f"{rss} MB" if rss else "n/a",
                 "met": (rss < 150) if rss else None})
    return rows


def markdown(result: dict) -> str:
    lines = [f"# Benchmark {result['started']}", ""]
    if result["label"]:
        lines += [f"_{result['label']}_", ""]
    m = result["machine"]
    lines += [f"{m['cpus']} CPUs, {m['memory_gb']} GB; gunicorn {m['workers']} uvicorn workers; "
              f"{result['duration_s']} s per measurement; matrix at {human(result['matrix_annotations'])} annotations "
              f"over {result['documents']} papers.", ""]
    floor = {r["clients"]: r["p95_ms"] for r in result["matrix"].get("floor", []) if "p95_ms" in r}
    lines += ["| Scenario | Clients | req/s | p50 ms | p95 ms | p99 ms | p95 ÷ floor | failures |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in SCENARIOS:
        for r in result["matrix"].get(name, []):
            if "error" in r:
                lines.append(f"| {TITLES[name]} | {r.get('clients', '')} | error | | | | | |")
                continue
            ratio = f"{r['p95_ms'] / floor[r['clients']]:.1f}×" if floor.get(r["clients"]) else ""
            lines.append(f"| {TITLES[name]} | {r['clients']} | {r['rps']} | {r['p50_ms']:g} | {r['p95_ms']:g} | "
                         f"{r['p99_ms']:g} | {ratio} | {r['failures']} |")
    lines += ["", "Scale curve (1 client):", "",
              "| Annotations | Reading p50 / p95 ms | Reading, first view, p50 / p95 ms | Search p50 / p95 ms |",
              "|---:|---:|---:|---:|"]
    for point in result["scale_curve"]:
        cells = [f"{point[s]['p50_ms']:g} / {point[s]['p95_ms']:g}" if "p50_ms" in point.get(s, {}) else "—"
                 for s in CURVE_SERIES]
        lines.append(f"| {point['annotations']:,} | " + " | ".join(cells) + " |")
    lines += ["", "Targets:", "", "| Goal | Measured | Met |", "|---|---|---|"]
    for t in result["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured at this scale"}[t["met"]]
        lines.append(f"| {t['goal']} | {t['measured']} | {met} |")
    if result["skipped"]:
        lines += ["", "Skipped (not measured):", ""]
        lines += [f"- {TITLES[name]}: {why}" for name, why in result["skipped"].items()]
    lines += seminar_markdown(result.get("seminar", []))
    lines += ["", "![p95 latency by scenario and clients; scale curve](latest.svg)", ""]
    return "\n".join(lines)


def seminar_markdown(runs: list[dict]) -> list[str]:
    if not runs:
        return []
    lines = ["", "Seminar (each student a group member on the seed paper, 4-12 s think time, a live stream open; "
             "p50 / p95 / p99 ms, failures):", ""]
    names = sorted({name for run in runs for name in run.get("types", {})})
    lines += ["| Request | " + " | ".join(f"{run['students']} students, {run.get('workers', '?')} "
                                         f"worker{'' if run.get('workers') == 1 else 's'}" for run in runs) + " |",
              "|---|" + "---:|" * len(runs)]
    for name in names:
        cells = []
        for run in runs:
            t = run.get("types", {}).get(name)
            cells.append(f"{t['p50_ms']:g} / {t['p95_ms']:g} / {t['p99_ms']:g} ({t['failures']})" if t else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for label, key in (("requests/s", "rps"), ("failed requests", "failures"), ("streams refused", "streams_refused"),
                       ("streams broken", "streams_broken"), ("DB connections (max; not idle)", None),
                       ("worker RSS max MB", "max_worker_rss_mb"), ("load average before → after", "load")):
        cells = []
        for run in runs:
            if "error" in run:
                cells.append("error")
            elif key is None:
                cells.append(f"{run['db_connections_max']}; {run['db_connections_active_max']}")
            elif key == "load":
                cells.append(f"{run['load_before'][0]} → {run['load_after'][0]}")
            else:
                cells.append(str(run[key]))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def svg(result: dict) -> str:
    """Two panels: p95 by scenario and client count; p95 of reading and search against data size."""
    width, height, pad = 900, 360, 50
    colors = ["#1f5f8b", "#e07b39", "#5a9e4b", "#8c5aa8"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="11" role="img" aria-label="Benchmark latency chart">', '<rect width="100%" height="100%" fill="#fff"/>']
    # Panel 1: grouped bars.
    names = [n for n in SCENARIOS if result["matrix"].get(n)]
    clients = result["clients"]
    values = [r.get("p95_ms", 0) for n in names for r in result["matrix"][n]]
    top = max(values, default=1) or 1
    x0, w = pad, 480
    parts.append(f'<text x="{x0}" y="20" font-size="13">p95 latency (ms) by scenario and clients</text>')
    group_w = (w - 20) / max(len(names), 1)
    bar_w = group_w / (len(clients) + 1)
    base_y = height - 60
    plot_h = base_y - 40
    parts.append(f'<line x1="{x0}" y1="{base_y}" x2="{x0 + w}" y2="{base_y}" stroke="#333"/>')
    for i, name in enumerate(names):
        for j, c in enumerate(clients):
            row = next((r for r in result["matrix"][name] if r.get("clients") == c), {})
            v = row.get("p95_ms", 0)
            h = plot_h * v / top
            x = x0 + 10 + i * group_w + j * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{colors[j % len(colors)]}"><title>{name}, {c} clients: {v} ms</title></rect>')
        parts.append(f'<text x="{x0 + 10 + i * group_w + group_w / 2 - bar_w / 2:.1f}" y="{base_y + 14}" '
                     f'text-anchor="middle">{name}</text>')
    parts.append(f'<text x="{x0 - 5}" y="{base_y - plot_h + 4}" text-anchor="end">{top:g}</text>')
    parts.append(f'<text x="{x0 - 5}" y="{base_y}" text-anchor="end">0</text>')
    for j, c in enumerate(clients):
        parts.append(f'<rect x="{x0 + 10 + j * 90}" y="{height - 25}" width="10" height="10" fill="{colors[j % len(colors)]}"/>'
                     f'<text x="{x0 + 24 + j * 90}" y="{height - 16}">{c} client{"s" if c > 1 else ""}</text>')
    # Panel 2: scale curve, log x.
    curve = result["scale_curve"]
    px0, pw = 600, 260
    parts.append(f'<text x="{px0}" y="20" font-size="13">p95 (ms) vs annotations, 1 client</text>')
    parts.append(f'<line x1="{px0}" y1="{base_y}" x2="{px0 + pw}" y2="{base_y}" stroke="#333"/>')
    ys = [p[s]["p95_ms"] for p in curve for s in CURVE_SERIES if "p95_ms" in p.get(s, {})]
    ytop = max(ys, default=1) or 1
    xs = [math.log10(p["annotations"]) for p in curve]
    xmin, xmax = (min(xs), max(xs)) if xs else (0, 1)
    span = (xmax - xmin) or 1
    for k, series in enumerate(CURVE_SERIES):
        points = [(px0 + pw * (math.log10(p["annotations"]) - xmin) / span, base_y - plot_h * p[series]["p95_ms"] / ytop)
                  for p in curve if "p95_ms" in p.get(series, {})]
        if points:
            parts.append(f'<polyline fill="none" stroke="{colors[k]}" stroke-width="2" points="'
                         + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colors[k]}"/>' for x, y in points]
        parts.append(f'<rect x="{px0 + k * 90}" y="{height - 25}" width="10" height="10" fill="{colors[k]}"/>'
                     f'<text x="{px0 + 14 + k * 90}" y="{height - 16}">{series}</text>')
    for p in curve:
        x = px0 + pw * (math.log10(p["annotations"]) - xmin) / span
        parts.append(f'<text x="{x:.1f}" y="{base_y + 14}" text-anchor="middle">{human(p["annotations"])}</text>')
    parts.append(f'<text x="{px0 - 5}" y="{base_y - plot_h + 4}" text-anchor="end">{ytop:g}</text>')
    parts.append(f'<text x="{px0 - 5}" y="{base_y}" text-anchor="end">0</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# --- Main -----------------------------------------------------------------------------------------


def main():
    args = arguments()
    url = database_url(args.database)
    create_database(url, args.fresh)
    env = production_env(url, args.workers)
    os.environ.update(env)

    django.setup()
    from annotations.models import Annotation
    from reader.models import Document

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if Annotation.objects.count() > args.scales[0]:
        print(f"{args.database} holds more annotations than {human(args.scales[0])}: starting it afresh.", flush=True)
        connections.close_all()
        create_database(url, fresh=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
    print("Collecting static files...", flush=True)
    call_command("collectstatic", verbosity=0, interactive=False)

    started = datetime.now(timezone.utc)
    result = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"), "label": args.label, "duration_s": args.duration,
        "clients": args.clients, "documents": args.documents,
        "machine": {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                    "workers": None},  # counted once gunicorn runs
        "scale_curve": [], "matrix": {}, "skipped": {},
    }
    result["seminar"] = []
    if args.seminar_only:
        args.scales = args.scales[-1:]
        args.clients = [max(args.seminar, default=1)]
    server = None
    plan_file = Path(tempfile.mkstemp(prefix="marginalia-bench-plan-", suffix=".json")[1])
    try:
        for scale in args.scales:
            count = grow_data(scale, args)
            if server is None:
                server = Server(env, args.port)
                result["machine"]["workers"] = len(server.worker_rss())
                document = Document.objects.order_by("pk").first()
                people = identities(max(args.clients + args.seminar))
            plan = build_plan(document, people, args.port)
            probe(server.base, plan)
            result["skipped"].update(plan["notes"])
            plan_file.write_text(json.dumps(plan))
            point = {"annotations": count}
            for name in CURVE_SERIES if not args.seminar_only else ():
                if name in plan["scenarios"]:
                    print(f"  {human(scale)}: {name}, 1 client", flush=True)
                    point[name] = measure(server, plan_file, name, 1, args.duration)
            if not args.seminar_only:
                result["scale_curve"].append(point)
        result["matrix_annotations"] = count
        for workers in args.seminar_workers or [None]:
            if workers is not None:  # a server with that many workers, the rest as before
                server.stop()
                server = Server(production_env(url, workers), args.port)
            for students in args.seminar:
                print(f"  seminar, {students} students ({os.getloadavg()[0]:.2f} load)", flush=True)
                run = measure_seminar(server, plan_file, students, args.seminar_duration, url)
                result["seminar"].append({**run, "workers": len(server.worker_rss())})
        for name in SCENARIOS if not (args.seminar_only or args.curve_only) else ():
            if name not in plan["scenarios"]:
                continue
            for clients in args.clients:
                print(f"  {name}, {clients} clients", flush=True)
                result["matrix"].setdefault(name, []).append(measure(server, plan_file, name, clients, args.duration))
    finally:
        if server:
            server.stop()
        plan_file.unlink(missing_ok=True)
    result["targets"] = targets(result)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(result, indent=2))
    if args.seminar_only:  # the full run's latest.md and chart stay as they were
        (RESULTS / "seminar-latest.md").write_text("\n".join(seminar_markdown(result["seminar"])) + "\n")
        print("\n".join(seminar_markdown(result["seminar"])))
        print(f"\nWrote bench/results/{stamp}.json and seminar-latest.md")
        return
    if args.curve_only:  # likewise: the scale curve and the goals it judges
        (RESULTS / "curve-latest.md").write_text(markdown(result))
        print(markdown(result))
        print(f"\nWrote bench/results/{stamp}.json and curve-latest.md")
        return
    (RESULTS / "latest.md").write_text(markdown(result))
    (RESULTS / "latest.svg").write_text(svg(result))
    print(markdown(result))
    print(f"\nWrote bench/results/{stamp}.json, latest.md and latest.svg")


if __name__ == "__main__":
    main()
