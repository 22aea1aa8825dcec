"""Helpers for the live-update tests: read an SSE stream, make notes, run a real ASGI server."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def parse_sse(text: str) -> list[dict]:
    """Events in an SSE body: [{"id", "event", "data"}] (comments and retry lines left out)."""
    events = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        if "data" in fields:
            events.append(fields)
    return events


async def read_until_heartbeat(response, timeout=10.0) -> str:
    """Read an async streaming response until a heartbeat comment; the text read."""
    chunks = []
    iterator = response.streaming_content.__aiter__()

    async def read():
        while True:
            chunk = await iterator.__anext__()
            chunk = chunk.decode() if isinstance(chunk, bytes) else chunk
            chunks.append(chunk)
            if chunk.startswith(": heartbeat"):
                return

    await asyncio.wait_for(read(), timeout)
    await iterator.aclose()
    return "".join(chunks)


def run_async(coroutine):
    """asyncio.run(coroutine) in a thread of its own: the browser tests' Playwright keeps an
    event loop running in the main thread for the whole session, where asyncio.run (and
    async_to_sync) refuse to run."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(closing_connection(asyncio.run), coroutine).result()


def closing_connection(func):
    """`func` for another thread: that thread's database connection is closed afterwards, so
    the test database can be dropped at the end of the run."""

    def run(*args, **kwargs):
        from django.db import connections

        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database the tests are using (the test database), for a subprocess."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "localhost"
    if host.startswith("/"):
        return f"postgresql://{quote(s['USER'])}{password}@/{s['NAME']}?host={quote(host)}&port={s.get('PORT') or 5432}"
    return f"postgresql://{quote(s['USER'])}{password}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


class AsgiServer:
    """uvicorn serving config.asgi on a loopback port, against the test database."""

    def __init__(self, port=None, extra_env=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ, "DATABASE_URL": test_database_url(), "DEBUG": "true", "DB_CONN_MAX_AGE": "0",
            "LOG_LEVEL": "ERROR", **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("uvicorn exited: " + self.process.stderr.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("uvicorn did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
