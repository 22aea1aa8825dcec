"""Racing two writers for real: start the second in a thread while the first holds its lock, and
commit only once PostgreSQL shows the second waiting on that lock (or it has, wrongly, finished)."""

import threading
import time

from django.db import connection


def race_while_holding(second, timeout=30):
    """Call inside the first writer's transaction, after it took its lock; `second` runs in a
    thread on its own connection. Returns once the first may commit; join the thread after."""

    def run():
        try:
            second()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while thread.is_alive() and time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.01)
    return thread
