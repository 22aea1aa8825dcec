"""One benchmark scenario for locust, described by the plan bench/run.py writes.

    BENCH_PLAN=plan.json BENCH_SCENARIO=reading locust -f bench/locustfile.py --headless ...

Each simulated client is a different demo user (a server-side session for pages, an API
token for the API) and sends its next request as soon as the last one is answered (closed
loop, no think time), so the figures are what the server sustains, not what a person does.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"]).read())
SCENARIO = PLAN["scenarios"][os.environ["BENCH_SCENARIO"]]
_next_identity = itertools.count()


class Client(FastHttpUser):
    wait_time = constant(0)
    # Loopback only: bench/run.py passes --host http://127.0.0.1:<port>.

    def on_start(self):
        self.identity = PLAN["identities"][next(_next_identity) % len(PLAN["identities"])]
        self.rng = random.Random()
        # The app runs with production settings behind an imagined TLS proxy: say so, as the
        # proxy would, so secure-only cookies and HTTPS checks behave as in production.
        self.headers = {"X-Forwarded-Proto": "https", **SCENARIO.get("headers", {})}
        if SCENARIO["auth"] == "session":
            self.headers["Cookie"] = f"sessionid={self.identity['session']}"
        elif SCENARIO["auth"] == "token":
            self.headers["Authorization"] = f"Bearer {self.identity['token']}"

    @task
    def request(self):
        path = self.rng.choice(SCENARIO["paths"])
        if SCENARIO.get("unique"):
            path += f"?view={self.rng.getrandbits(64):x}"
        body = None
        if SCENARIO["method"] == "POST":
            body = {
                "paragraph": self.rng.choice(PLAN["paragraph_ids"]),
                "body": f"Benchmark note {self.rng.randrange(10**9)} on industrial policy.",
                "tags": ["bench"],
                "visibility": "group",
                "group": self.identity["group"],
            }
        with self.client.request(
            SCENARIO["method"], path, headers=self.headers, json=body, name=SCENARIO["name"], catch_response=True
        ) as response:
            if response.status_code != SCENARIO["expect"]:
                response.failure(f"status {response.status_code}")


# --- The seminar: a class reading, writing and following live on one paper ----------------------
#
# Each student is a different member of the course's groups, pauses as a person does (4-12 s)
# and keeps the paper's live stream open for the whole run. A note's live-delivery lag is the
# time from its writer receiving the 201 (the commit is just before it) to its arrival in each
# other open stream; it is reported as a request type of its own ("live: delivery lag").

import http.client  # noqa: E402  (gevent has patched sockets by now: a stream is a greenlet)
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust import between, events  # noqa: E402

_written = {}  # annotation id -> when its writer had the answer (time.time())
# Paragraphs a reader's window shows (and live.js's reach around it: half a window each way),
# about three on a desktop; an event on one of them makes the page fetch that margin.
VIEW = 5
STEPS = ("scroll", "paragraph", "write", "reply", "vote", "search", "reload")


def _fire(name, started, exception=None, length=0):
    events.request.fire(request_type="SSE", name=name, response_time=(time.time() - started) * 1000,
                        response_length=length, exception=exception, context={})


class Student(FastHttpUser):
    wait_time = between(4, 12)

    def on_start(self):
        self.identity = PLAN["identities"][next(_next_identity) % len(PLAN["identities"])]
        self.rng = random.Random()
        self.headers = {"X-Forwarded-Proto": "https", "Cookie": f"sessionid={self.identity['session']}; "
                        f"csrftoken={PLAN['csrf']}"}
        self.token = {"X-Forwarded-Proto": "https", "Authorization": f"Bearer {self.identity['token']}"}
        self.step = self.rng.randrange(len(STEPS))  # the class spread over the steps, not in lockstep
        self.mine, self.refreshing = set(), set()
        self.look_elsewhere()
        self.get(SCENARIO["reading"], "open paper")
        self.stream = gevent.spawn(self.follow)

    def on_stop(self):
        self.stream.kill(block=False)

    def look_elsewhere(self):
        """The reader's window moves (a scroll, a paragraph opened): which margins live.js keeps fresh."""
        start = self.rng.randrange(len(SCENARIO["margins"]))
        self.viewing = dict(SCENARIO["margins"][start:start + VIEW])

    def changed(self, payload):
        """As live.js: a vote or a reply says all it changes (a count on a card); a new note or a
        change on a paragraph in view (not the reader's own new note, already on their page)
        fetches its margin once, 250 ms later; one further away waits to be scrolled to."""
        anchor = payload.get("paragraph")
        if payload.get("kind") in ("vote", "reply") or anchor not in self.viewing or anchor in self.refreshing or payload.get("annotation") in self.mine:
            return
        self.refreshing.add(anchor)

        def refresh(path=self.viewing[anchor]):
            gevent.sleep(0.25)
            try:
                self.get(path, "live: margin refresh", htmx=True)
            finally:
                self.refreshing.discard(anchor)

        gevent.spawn(refresh)

    def get(self, path, name, htmx=False):
        headers = {**self.headers, "HX-Request": "true"} if htmx else self.headers
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    def post(self, path, name, json=None, data=None, headers=None, expect=201):
        with self.client.request("POST", path, headers=headers, json=json, data=data, name=name,
                                 catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"status {response.status_code}")
                return None
            return response

    def follow(self):
        """Hold the live stream open; on each event, the lag since its writer had the answer."""
        while True:
            started = time.time()
            url = urlsplit(self.host)
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
            try:
                connection.request("GET", SCENARIO["stream"] + f"?since={int(started * 1000)}",
                                   headers={**self.headers, "Accept": "text/event-stream"})
                response = connection.getresponse()
                if response.status != 200:
                    _fire("live: stream refused", started, Exception(f"status {response.status}"))
                    response.read()
                    gevent.sleep(3)
                    continue
                _fire("live: stream opened", started)
                opened = time.time()
                while line := response.fp.readline():
                    if line.startswith(b"data:"):
                        payload = json.loads(line[5:])
                        self.changed(payload)
                        written = _written.get(payload.get("annotation"))
                        # Only notes written while this stream was open: those it gets on opening
                        # (its catch-up since the page, with a few seconds' slack) were not late.
                        if written and written >= opened and payload.get("kind") in ("annotation", "reply"):
                            events.request.fire(request_type="SSE", name="live: delivery lag",
                                                response_time=max(time.time() - written, 0) * 1000,
                                                response_length=0, exception=None, context={})
            except (OSError, http.client.HTTPException, ValueError) as exc:
                _fire("live: stream broken", started, exc)
                gevent.sleep(3)
            finally:
                connection.close()

    @task
    def act(self):
        step = STEPS[self.step % len(STEPS)]
        self.step += 1
        getattr(self, step)()

    def scroll(self):
        self.look_elsewhere()
        for path in SCENARIO["scroll"]:  # the page asks for the runs that come into view (SCROLL_CARDS)
            self.get(path, "scroll (margin batch)", htmx=True)

    def paragraph(self):
        self.look_elsewhere()
        self.get(self.rng.choice(SCENARIO["paragraphs"]), "paragraph's notes", htmx=True)

    def write(self):
        body = {"paragraph": self.rng.choice(PLAN["paragraph_ids"]), "visibility": "group",
                "body": f"Seminar note {self.rng.randrange(10**9)} on industrial policy.", "tags": ["seminar"],
                "group": self.identity["group"]}
        response = self.post("/api/annotations", "write a group note (API)", json=body, headers=self.token)
        if response is not None:
            _written[response.json()["id"]] = time.time()
            self.mine.add(response.json()["id"])

    def reply(self):
        parent = self.rng.choice(SCENARIO["public_notes"])
        response = self.post(f"/api/annotations/{parent}/replies", "reply to a public note (API)",
                             json={"body": f"Seminar reply {self.rng.randrange(10**9)}."}, headers=self.token)
        if response is not None:
            _written[response.json()["id"]] = time.time()
            self.mine.add(response.json()["id"])

    def vote(self):
        note = self.rng.choice(SCENARIO["public_notes"])
        headers = {**self.headers, "HX-Request": "true", "X-CSRFToken": PLAN["csrf"], "Origin": PLAN["origin"],
                   "Referer": PLAN["origin"] + SCENARIO["reading"]}
        self.post(f"/annotations/{note}/vote/", "vote", data="", headers=headers, expect=200)

    def search(self):
        self.get(self.rng.choice(SCENARIO["searches"]), "search")

    def reload(self):
        self.get(SCENARIO["reading"], "reload paper")


if os.environ["BENCH_SCENARIO"] == "seminar":
    del Client  # locust runs every User class it finds here: the seminar runs students only
else:
    del Student
