"""Where to send someone after an action: the page named by `next`, when it is safe."""

from django.utils.http import url_has_allowed_host_and_scheme

NEXT_MAX_LENGTH = 2000


def safe_next(request) -> str | None:
    """The `next` (POST, else GET) when it is a path on this site, else None.

    Only a path ("/…"): a bare word would be taken by redirect() for a view name (and fail to
    reverse), and another host is an open redirect. Overlong ones are refused too: Django
    will not redirect to them.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and len(target) <= NEXT_MAX_LENGTH
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return None
