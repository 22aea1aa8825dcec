"""The reading page, and live updates without a stream: the polling fallback, with ETag/304
so an idle poll costs one small query and no body."""

import hashlib

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import parse_etags
from django.views.decorators.http import require_GET

from access.policy import get_document_for, has_permission
from live.delivery import events_for, first_id_since
from live.reading import reading_view
from live.stream import parse_since

POLL_INTERVAL = 10  # seconds; the client is told, so the server can slow everyone down
# Stand-ins for what differs on every response (a CSRF token, the moment live updates start
# from), so the page's ETag names what it shows. No one can type them into a note: derived
# from SECRET_KEY.
CSRF_HOLE = "hole-" + salted_hmac("live.views.document", "csrf").hexdigest()[:24]
SINCE_HOLE = "hole-" + salted_hmac("live.views.document", "since").hexdigest()[:24]


@require_GET
def document(request, slug):
    """The reading page (assembled by live.reading): the paper's text, rendered once per
    document and kept (reader.rendering.ReadingPage.of), with this reader's margins. Its ETag
    is a digest of the page as built for this browser (its session and CSRF cookie): asked
    again with it while nothing on the page has changed, it answers 304, without a body.
    Queries: the session, the user, the document, the search (with ?q=), the margins'
    (annotations.reading); the paragraphs only on the document's first view in this process."""
    document = get_document_for(request.user, slug)
    view = reading_view(request.user, document, request.GET, since=SINCE_HOLE)
    html = render_to_string("reader/document.html", {
        "page": view, "document": document, "search": view.search, "margin_filter": view.margin_filter,
        "can_upload_version": has_permission(request.user, "document.new_version", document),
        "csrf_token": CSRF_HOLE,  # what the csrf_token tag writes
    }, request)
    token = get_token(request)  # and the browser's CSRF secret (new on its first view) in META
    digest = hashlib.sha256(html.encode())
    for secret in (request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""), request.META["CSRF_COOKIE"]):
        digest.update(b"\0" + secret.encode())
    etag = f'W/"read-{digest.hexdigest()[:32]}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        since = str(int(timezone.now().timestamp() * 1000))
        response = HttpResponse(html.replace(CSRF_HOLE, token).replace(SINCE_HOLE, since))
    response["ETag"] = etag
    # Asked again on every view (the margins may have changed); kept by this browser only.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response


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
