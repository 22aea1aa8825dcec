"""Signed-in sessions end after SESSION_IDLE_SECONDS without activity, and at the latest
SESSION_COOKIE_AGE after signing in.

Both limits live in the session's own expiry (its expire_date row, its cookie, its cache
entry under Redis), which Django checks on every load. Activity moves the expiry forward; to
spare a database write per request it is moved at most once a minute, and only on requests
that loaded the session anyway.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

SIGNED_IN_AT = "_signed_in_at"
BUMPED_AT = "_expiry_bumped_at"
BUMP_EVERY_SECONDS = 60


def start_expiry(sender, request, user, **kwargs):
    """user_logged_in: the idle period starts at signing in (and the first requests after it
    need no write)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = request.session[BUMPED_AT] = now
    request.session.set_expiry(min(settings.SESSION_IDLE_SECONDS, settings.SESSION_COOKIE_AGE))


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response
        now = int(time.time())
        if now - session.get(BUMPED_AT, 0) < BUMP_EVERY_SECONDS:
            return response
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        remaining = signed_in_at + settings.SESSION_COOKIE_AGE - now
        if remaining <= 0:
            session.flush()  # the absolute limit: signed out from the next request on
            return response
        session[BUMPED_AT] = now
        session.set_expiry(min(settings.SESSION_IDLE_SECONDS, remaining))
        return response
