"""The reading page, and live updates without a stream: the polling fallback, with ETag/304
so an idle poll costs one small query and no body."""

import hashlib
from functools import cache

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.http import require_GET

from access.policy import get_document_for, has_permission
from annotations.reading import plan_margins
from live.delivery import events_for, first_id_since, last_event_id
from live.reading import reading_state, reading_view, with_rendered_parts
from live.stream import parse_since
from reader.rendering import ReadingPage

POLL_INTERVAL = 10  # seconds; the client is told, so the server can slow everyone down


@require_GET
def document(request, slug):
    """The reading page (assembled by live.reading): the paper's text, rendered once per
    document and kept (reader.rendering.ReadingPage.of), with this reader's margins. Its ETag
    names what the page is built from (live.reading.reading_state), for this browser (its
    session and CSRF cookie), address and code, and is worked out before the page is: asked
    again with it while nothing has changed, it answers 304 without building the margins.
    Queries: the session, the user, the document, the margins' plan (roles, groups, counts:
    annotations.reading.plan_margins), the state; then, unless 304, the search (with ?q=)
    and the whole margins'; the paragraphs only on the document's first view in this process."""
    document = get_document_for(request.user, slug)
    get_token(request)  # the browser's CSRF secret (new on its first view) in META, for the ETag
    plan = plan_margins(request.user, document, ReadingPage.of(document), request.GET)
    etag = reading_etag(request, document, plan)
    # A message waiting to be shown is shown (and so used up) only by a page built now.
    if etag in parse_etags(request.headers.get("If-None-Match", "")) and not get_messages(request):
        response = HttpResponseNotModified()
    else:
        since = str(int(timezone.now().timestamp() * 1000))
        # Read before the margins: every event up to it is in what the page shows (ids are
        # handed out in commit order), so the page does not count a note or reply twice when
        # the stream's catch-up sends it again.
        shown_after = last_event_id(document.pk)
        view = reading_view(request.user, document, request.GET, since=since, plan=plan, shown_after=shown_after)
        view = with_rendered_parts(
            view,
            lambda paragraph: render_to_string("annotations/_paragraph_margin.html", {
                "paragraph": paragraph, "document": document, "margin_filter": view.margin_filter}, request),
            lambda cell: render_to_string("live/_heat_cell.html", {"cell": cell}),
        )
        response = HttpResponse(render_to_string("reader/document.html", {
            "page": view, "document": document, "search": view.search, "margin_filter": view.margin_filter,
            "can_upload_version": has_permission(request.user, "document.new_version", document),
        }, request))
    response["ETag"] = etag
    # Asked again on every view (the margins may have changed); kept by this browser only.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response


def reading_etag(request, document, plan) -> str:
    """The page's ETag: what it is built from (`plan`, the margins' plan, and the state), for
    this address and browser, by this code."""
    digest = hashlib.sha256(code_version().encode())
    for part in (
        reading_state(request.user, document, plan, timezone.now()),
        request.get_host(), request.scheme, request.get_full_path(), str(request.user.pk),
        request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""), request.META["CSRF_COOKIE"],
    ):
        digest.update(b"\0" + part.encode())
    return f'W/"read-{digest.hexdigest()[:32]}"'


@cache
def code_version() -> str:
    """A digest of the templates, static files and Python code this process serves: after a
    deploy, a browser's copy (naming the old stylesheets and scripts) is not answered 304.
    The same in every process serving the same files."""
    digest = hashlib.sha256()
    packages = [path for path in settings.BASE_DIR.iterdir()
                if (path / "__init__.py").exists() and path.name != "tests"]
    for folder in [settings.BASE_DIR / "templates", settings.BASE_DIR / "static", *packages]:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".py", ".css", ".js", ".txt"):
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@require_GET
def poll(request, slug):
    """Events after ?after=<id> (or, for a fresh page, since ?since=<epoch ms>) that this person
    may see. The ETag names the person, the document and the cursor: a client asking again
    with it gets 304 until something new that it may see arrives. Queries: (session, user,)
    document, roles, events (and the start id for a fresh page)."""
    document = get_document_for(request.user, slug)
    after = request.GET.get("after", "")
    after = int(after) if after.isdigit() else first_id_since(document.pk, parse_since(request.GET.get("since")))
    deliveries, _examined = events_for(request.user, document.pk, after)
    # The client's cursor moves only past events it may see: how many others there were, and
    # when, is not this person's to know.
    cursor = deliveries[-1].id if deliveries else after
    etag = f'W/"live-{request.user.pk or 0}-{document.pk}-{after}-{cursor}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse({"events": [d.as_json() for d in deliveries], "last": cursor, "interval": POLL_INTERVAL})
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie"
    return response
