"""Per-user write rate limits, counted where every process shares them: in PostgreSQL, or in
Redis when REDIS_URL is set.

A fixed window per user: one upsert (or Redis INCR) per write returns the new count atomically,
so two processes cannot both take the last slot. Reads are not limited here.
"""

import math
import threading
import time
from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import connection
from ninja.throttling import BaseThrottle

from api.models import RateCounter

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/min' -> (120, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def hit(user_id: int, scope: str, period: int, now: float | None = None) -> tuple[int, float]:
    """Count one request; returns (requests in this window so far, seconds until it ends)."""
    now = time.time() if now is None else now
    window = int(now // period) * period
    count = _hit_redis(user_id, scope, window, period) if settings.REDIS_URL else _hit_database(user_id, scope, window)
    return count, window + period - now


def _hit_redis(user_id, scope, window, period) -> int:
    from django.core.cache import cache

    key = f"rate:{scope}:{user_id}:{window}"
    cache.add(key, 0, timeout=period + 1)  # the window's counter, which expires with it
    return cache.incr(key)  # INCR: atomic across processes


def _hit_database(user_id, scope, window) -> int:
    window_start = datetime.fromtimestamp(window, tz=dt_timezone.utc)
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (user_id, scope, window_start, count) VALUES (%s, %s, %s, 1)
            ON CONFLICT (user_id, scope, window_start) DO UPDATE SET count = {table}.count + 1
            RETURNING count
            """,
            [user_id, scope, window_start],
        )
        count = cursor.fetchone()[0]
    if count == 1:
        # First write of a new window: old windows of this user are no use any more.
        RateCounter.objects.filter(user_id=user_id, scope=scope, window_start__lt=window_start).delete()
    return count


class WriteThrottle(BaseThrottle):
    """429 with Retry-After once a user has made more writes than settings.API_WRITE_RATE."""

    scope = "api-write"

    def __init__(self):
        # One instance serves every thread; the wait belongs to the request just checked.
        self._local = threading.local()

    def allow_request(self, request) -> bool:
        self._local.wait = None
        user = getattr(request, "auth", None)
        if request.method in SAFE_METHODS or user is None or not user.is_authenticated:
            return True
        limit, period = parse_rate(settings.API_WRITE_RATE)
        count, remaining = hit(user.pk, self.scope, period)
        if count > limit:
            self._local.wait = max(1, math.ceil(remaining))
            return False
        return True

    def wait(self):
        return getattr(self._local, "wait", None)
