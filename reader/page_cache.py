"""The reading page, kept for each reader until something it shows changes.

A reading page costs ~90 ms to build (its margins are the reader's own view of every note on
the paper), and people reload it, come back to it and open it in tabs far more often than
anything on it changes. So the whole rendered page is kept (reader.models.KeptPage):

* under a key naming the browser's session (signed-out readers share one copy), the address,
  query string included, and the code (``build_id``, so a deploy never serves a page made by the
  old templates);
* with the document's ReadingStamp and the every-page stamp it was built at. Database
  triggers advance those in the same transaction as any write to a table the page reads
  (reader/models.py; triggers in reader/migrations/0002 and 0003), and a kept page counts
  only while its stamps are the current ones: the next view after a commit builds the page
  afresh, so a person sees their own note, and everyone else's, exactly as soon as without
  the cache.

One query finds the document's stamps and the page together, and checks that the browser's
session still lives: a cached view costs that one query. What differs on every response is
left as holes and filled in as the page is sent: the CSRF token (each browser has its own)
and the moment live updates start from. The page is kept deflated, and sent so to clients
that accept it without being compressed again (reader/compressed_page.py). A request
carrying one-off messages ("Note deleted") is built afresh and not kept. Pages live at most
READING_PAGE_CACHE_SECONDS (60 s by default), which bounds how old a "5 minutes ago" can be.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache as once

from django.conf import settings
from django.contrib import messages
from django.db import connections, router
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac

from reader.compressed_page import CompressedPage
from reader.models import KeptPage, ReadingStamp

# Stand-ins no one can type into a note: derived from SECRET_KEY, the same in every process.
CSRF_HOLE = "hole-" + salted_hmac("reader.page_cache", "csrf").hexdigest()[:24]
SINCE_HOLE = "hole-" + salted_hmac("reader.page_cache", "since").hexdigest()[:24]
# What the page's templates need to leave the holes (the csrf_token tag reads this variable).
HOLES = {"csrf_token": CSRF_HOLE}
_ACCEPTS_DEFLATE = re.compile(r"\bdeflate\b")

# Source that shapes the page; a change to any of it is a new build.
_SOURCE_DIRS = ("templates", "static", "reader", "groups", "annotations", "discussions", "live", "versions", "accounts", "config")


def build_id() -> str:
    """A digest of the templates, static files and code: once per process in production; on
    every view with DEBUG, where templates change under a running server."""
    return _source_digest() if settings.DEBUG else _source_digest_once()


def _source_digest() -> str:
    digest = hashlib.sha256()
    for top in _SOURCE_DIRS:
        for path in sorted((settings.BASE_DIR / top).rglob("*")):
            if path.is_file() and path.suffix in (".html", ".py", ".css", ".js", ".svg"):
                stat = path.stat()
                digest.update(f"{path.relative_to(settings.BASE_DIR)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


_source_digest_once = once(_source_digest)


# One query: the published document at the slug, its stamps, and this browser's kept page if
# it was built at those very stamps, has not expired, and the browser's session (if it
# presents one) still lives: not signed out, not expired. django_session is where both
# session engines the settings choose keep sessions.
_LOOK_UP = """
    SELECT d.id, coalesce(s.changes, 0), coalesce(e.changes, 0), k.page
    FROM reader_document d
    LEFT JOIN reader_readingstamp s ON s.document_id = d.id
    LEFT JOIN reader_readingstamp e ON e.document_id = %(every_page)s
    LEFT JOIN reader_keptpage k ON k.key = %(key)s AND k.document_id = d.id AND k.expires > now()
        AND k.stamp = coalesce(s.changes, 0) AND k.every_page_stamp = coalesce(e.changes, 0)
        AND (%(session)s::text IS NULL OR EXISTS (
            SELECT FROM django_session WHERE session_key = %(session)s AND expire_date > now()))
    WHERE d.slug = %(slug)s AND d.is_published
"""
# Writes the page, and sweeps a few expired ones (never this key: one statement may not
# touch a row twice), so the table holds about what was viewed in the last minute.
_KEEP = """
    WITH swept AS (
        DELETE FROM reader_keptpage WHERE key IN (
            SELECT key FROM reader_keptpage WHERE expires < now() AND key <> %(key)s
            ORDER BY expires LIMIT 20 FOR UPDATE SKIP LOCKED))
    INSERT INTO reader_keptpage (key, document_id, stamp, every_page_stamp, page, expires)
    VALUES (%(key)s, %(document)s, %(stamp)s, %(every_page_stamp)s, %(page)s,
            now() + make_interval(secs => %(seconds)s))
    ON CONFLICT (key) DO UPDATE SET document_id = excluded.document_id, stamp = excluded.stamp,
        every_page_stamp = excluded.every_page_stamp, page = excluded.page, expires = excluded.expires
"""


@dataclass(frozen=True)
class Lookup:
    key: str | None  # None: this view must not be kept
    stamps: tuple[int, int, int] | None  # (document id, its stamp, the every-page stamp); None: no such page
    page: CompressedPage | None  # the kept page, when current


def look_up(request, slug: str) -> Lookup:
    """This reader's kept page at `slug`, if current, with the stamps a new one is kept at.

    Read before anything the page shows, so a kept page is never older than its stamps; and
    where the page's data will be read (this request's replica, or the primary for someone
    who has just written: config/replicas.py). Plain SQL: on the cached view's path the ORM
    would spend longer building the query than PostgreSQL running it."""
    key = page_key(request)
    with connections[router.db_for_read(KeptPage)].cursor() as cursor:
        cursor.execute(_LOOK_UP, {"every_page": ReadingStamp.EVERY_PAGE, "key": key, "slug": slug,
                                  "session": _session(request)})
        row = cursor.fetchone()
    if row is None:
        return Lookup(key, None, None)
    page = CompressedPage.from_bytes(row[3]) if row[3] is not None else None
    return Lookup(key, row[:3], page)


def _session(request) -> str | None:
    """The session this browser presents, from its cookie: not loaded, so a cached view reads
    no session row beyond the check in _LOOK_UP."""
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME)


def page_key(request) -> str | None:
    """The key of this browser's view of the page, or None when it must not be kept.

    A page is kept for a session (signed-out readers without one share a copy), and only
    after a full view in which the session was loaded, its user's password hash checked, and
    the access check passed (live.views.document). Kept pages are only served while the session
    lives (_LOOK_UP), and whatever decides who the session's user is and what they may read
    (the document, its publication, memberships, the person's flags and password, their
    deletion) advances a stamp the kept page must match. Signing in or out, or changing one's
    password, gives the browser a new session. So finding the page current means none of
    those answers has changed: a cached view needs neither the session's data, nor the user,
    the document or the access check."""
    if not settings.READING_PAGE_CACHE_SECONDS or len(messages.get_messages(request)):
        return None  # len() leaves the messages to be shown
    parts = [build_id(), request.get_host(), _session(request) or "", request.get_full_path()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def keep_page(request, lookup: Lookup, document, page: CompressedPage) -> None:
    """Keep a page just built, if it is the one the key names: the document the stamps were
    read for (not one that took the slug since), for the session the browser presented (not
    one the view found stale, expired or forged and replaced)."""
    if not (lookup.key and lookup.stamps and document.pk == lookup.stamps[0]):
        return
    if request.session.session_key != _session(request):
        return
    with connections[router.db_for_write(KeptPage)].cursor() as cursor:
        cursor.execute(_KEEP, {
            "key": lookup.key, "document": document.pk, "stamp": lookup.stamps[1],
            "every_page_stamp": lookup.stamps[2], "page": page.to_bytes(),
            "seconds": settings.READING_PAGE_CACHE_SECONDS,
        })


def compressed(html: bytes) -> CompressedPage:
    return CompressedPage.build(html, {"csrf": CSRF_HOLE.encode(), "since": SINCE_HOLE.encode()})


def response(request, page: CompressedPage) -> HttpResponse:
    """The page as this response sends it: this browser's CSRF token, live updates from now;
    deflated as kept (~40 KB instead of 270) when the client accepts it, as browsers do."""
    values = {"csrf": get_token(request).encode(), "since": str(int(timezone.now().timestamp() * 1000)).encode()}
    if _ACCEPTS_DEFLATE.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(page.deflated(values))
        response["Content-Encoding"] = "deflate"
    else:
        response = HttpResponse(page.html(values))
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
