"""Conditional requests: an ETag per annotation version, If-Match on changes (412), and
If-None-Match on reads (304).

A change sent without If-Match is applied: last writer wins, as with the HTML forms. Clients
that must not overwrite someone else's edit send the ETag they read (README, "API").
"""

from django.http import HttpResponse
from ninja.errors import HttpError


def etag_for(annotation) -> str:
    # The version is bumped on every edit; the hidden flag changes through moderation.
    return f'"a{annotation.pk}.v{annotation.version}{".h" if annotation.hidden_at else ""}"'


def check_if_match(request, annotation) -> None:
    """412 when If-Match names other versions than the current one (RFC 9110 strong comparison)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return
    current = etag_for(annotation)
    offered = [tag.strip() for tag in header.split(",")]
    if current not in offered:
        raise HttpError(412, "The annotation has changed since you read it; fetch it again and retry.")


def not_modified(request, response) -> HttpResponse | None:
    """A 304 for a successful GET whose If-None-Match names its ETag (weak comparison, RFC 9110 §13.1.2)."""
    header, etag = request.headers.get("If-None-Match"), response.get("ETag")
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or not header or not etag:
        return None
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" not in offered and etag.removeprefix("W/") not in offered:
        return None
    unchanged = HttpResponse(status=304)
    unchanged["ETag"] = etag
    return unchanged
