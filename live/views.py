"""Live updates without a stream: the polling fallback, with ETag/304 so an idle poll costs
one small query and no body."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from access.policy import get_document_for
from live.delivery import events_for, first_id_since
from live.stream import parse_since

POLL_INTERVAL = 10  # seconds; the client is told, so the server can slow everyone down


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
