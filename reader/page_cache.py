"""The reading page, kept for each reader until something it shows changes.

A reading page costs ~90 ms to build (its margins are the reader's own view of every note on
the paper), and people reload it, come back to it and open it in tabs far more often than
anything on it changes. So the whole rendered page is kept in the shared cache under a key
naming everything it depends on:

* who reads it (signed-out readers share one copy) and the address, query string included;
* the document's ReadingStamp and the every-page stamp, which database triggers advance in
  the same transaction as any write to a table the page reads (reader/models.py; triggers
  in reader/migrations/0002_readingstamp.py), so the next view after a commit misses the
  cache and shows the change: a person sees their own note, and everyone else's, exactly as
  soon as without the cache;
* the code (``build_id``), so a deploy never serves a page made by the old templates.

What differs on every response is left as holes and filled in as the page is sent: the CSRF
token (each browser has its own) and the moment live updates start from. The page is kept
deflated, and sent so to clients that accept it without being compressed again
(reader/compressed_page.py). A request carrying one-off messages ("Note deleted") is built
afresh and not kept. Entries live at most READING_PAGE_CACHE_SECONDS (60 s by default),
which bounds how old a "5 minutes ago" can be.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache as once

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac

from reader.compressed_page import CompressedPage
from reader.models import ReadingStamp

# Stand-ins no one can type into a note: derived from SECRET_KEY, the same in every process.
CSRF_HOLE = "hole-" + salted_hmac("reader.page_cache", "csrf").hexdigest()[:24]
SINCE_HOLE = "hole-" + salted_hmac("reader.page_cache", "since").hexdigest()[:24]
# What the page's templates need to leave the holes (the csrf_token tag reads this variable).
HOLES = {"csrf_token": CSRF_HOLE}
_ACCEPTS_DEFLATE = re.compile(r"\bdeflate\b")

# Source that shapes the page; a change to any of it is a new build.
_SOURCE_DIRS = ("templates", "static", "reader", "annotations", "discussions", "live", "versions", "accounts", "config")


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


def stamps(slug: str) -> tuple[int, int, int] | None:
    """(document id, its stamp, the every-page stamp) for the published document at `slug`, or
    None. Read before anything the page shows, so a page is never older than its key; and
    where the page's data will be read (this request's replica, or the primary for someone
    who has just written: config/replicas.py). Plain SQL: on the cached view's path the ORM
    would spend longer building the query than PostgreSQL running it."""
    with connections[router.db_for_read(ReadingStamp)].cursor() as cursor:
        cursor.execute(
            "SELECT d.id, coalesce(s.changes, 0), coalesce(e.changes, 0) FROM reader_document d"
            " LEFT JOIN reader_readingstamp s ON s.document_id = d.id"
            " LEFT JOIN reader_readingstamp e ON e.document_id = %s"
            " WHERE d.slug = %s AND d.is_published",
            [ReadingStamp.EVERY_PAGE, slug],
        )
        return cursor.fetchone()


def page_key(request, document_stamps: tuple[int, int, int] | None) -> str | None:
    """The cache key of this reader's view of the page, or None when it must not be kept.

    A page is only ever kept after its reader passed the access check (reader.views), and
    whatever decides access (the document, its publication, memberships, the person's flags)
    advances a stamp in the key, so finding the page under the same key means the answer
    has not changed: a cached view needs neither the document nor the check."""
    if document_stamps is None or not settings.READING_PAGE_CACHE_SECONDS or len(messages.get_messages(request)):
        return None  # len() leaves the messages to be shown
    parts = [
        build_id(),
        request.get_host(),
        str(request.user.pk or 0),
        *map(str, document_stamps),
        request.get_full_path(),
    ]
    return "reading-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_page(key: str | None) -> CompressedPage | None:
    return cache.get(key) if key else None


def compressed(html: bytes) -> CompressedPage:
    return CompressedPage.build(html, {"csrf": CSRF_HOLE.encode(), "since": SINCE_HOLE.encode()})


def keep_page(key: str | None, page: CompressedPage) -> None:
    if key:
        cache.set(key, page, settings.READING_PAGE_CACHE_SECONDS)


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
