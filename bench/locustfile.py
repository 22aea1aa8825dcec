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
