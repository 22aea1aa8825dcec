"""Optimistic locking over HTTP: an ETag per annotation version, If-Match on changes (412)."""

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
