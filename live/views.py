"""The reading page, and live updates without a stream: the polling fallback, with ETag/304
so an idle poll costs one small query and no body."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from access.policy import get_document_for, has_permission
from live.delivery import events_for, first_id_since
from live.reading import reading_view
from live.stream import parse_since
from reader import page_cache

POLL_INTERVAL = 10  # seconds; the client is told, so the server can slow everyone down


@require_GET
def document(request, slug):
    """The reading page (assembled by live.reading): kept while nothing on it has changed
    (reader/page_cache.py). Queries when kept: one, the page with its stamps; otherwise also
    the session, the user, the document, its paragraphs, the search (when there is a query),
    the margins' (a constant number, annotations.reading) and keeping the page."""
    kept = page_cache.look_up(request, slug)
    page = kept.page
    if page is None:
        document = get_document_for(request.user, slug)
        page = page_cache.compressed(_render(request, document))
        page_cache.keep_page(request, kept, document, page)
    return page_cache.response(request, page)


def _render(request, document) -> bytes:
    """The reading page with page_cache's holes for what differs on every response. The page
    is kept per session, and roles and publications stamp every page: "Upload a new version"
    may depend on the viewer."""
    view = reading_view(request.user, document, request.GET, since=page_cache.SINCE_HOLE)
    context = {
        "page": view, "document": document, "search": view.search, "margin_filter": view.margin_filter,
        "can_upload_version": has_permission(request.user, "document.new_version", document),
        **page_cache.HOLES,
    }
    return render_to_string("reader/document.html", context, request).encode()


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
