"""Read replicas: with DATABASE_REPLICA_URLS set, reads go to a replica and writes to the primary.

A person always reads their own writes: a request that changes something (any method but
GET/HEAD/OPTIONS/TRACE) runs entirely on the primary, and pins the person's next
REPLICA_PIN_SECONDS of reads to the primary too, which outlasts any healthy replication lag.
The pin travels in a cookie for browsers and, for API clients (who may keep no cookies), in
the shared cache under a hash of their Authorization header. The cache itself, and anything
outside a request (management commands, shells, tests), always uses the primary.
"""

import contextvars
import hashlib
import random

from django.conf import settings

PIN_COOKIE = "marginalia_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

# The database this request reads from: the primary outside requests, so only request
# handling ever reads from a replica. One replica for the whole request, so what it reads
# first never comes from a replica further along than what it reads next.
_read_alias = contextvars.ContextVar("marginalia_read_alias", default="default")


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        # The cache is where API pins live: a replica's copy could be stale.
        if model._meta.app_label == "django_cache":
            return "default"
        return _read_alias.get()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _api_pin_key(request) -> str | None:
    authorization = request.headers.get("Authorization")
    if not authorization:
        return None
    return "replica-pin:" + hashlib.sha256(authorization.encode()).hexdigest()


class ReadYourWritesMiddleware:
    """Decides, per request, whether its reads may go to a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        token = _read_alias.set("default" if writes or self._pinned(request) else random.choice(replica_aliases()))
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if writes:
            self._pin(request, response)
        return response

    def _pinned(self, request) -> bool:
        if PIN_COOKIE in request.COOKIES:
            return True
        key = _api_pin_key(request)
        if key:
            from django.core.cache import cache

            return bool(cache.get(key))
        return False

    def _pin(self, request, response) -> None:
        seconds = settings.REPLICA_PIN_SECONDS
        response.set_cookie(PIN_COOKIE, "1", max_age=seconds, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                            samesite="Lax")
        key = _api_pin_key(request)
        if key:
            from django.core.cache import cache

            cache.set(key, 1, seconds)
