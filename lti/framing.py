"""Pages of a session that an LMS launched may be shown inside that LMS's frame.

The site is framed by nobody (X-Frame-Options DENY, frame-ancestors 'none') except here: a
launch leaves a signed cookie naming the LMS's origins, and the browser's pages then allow exactly
those as frame ancestors. A cookie, not the session: a kept reading page is served without
loading the session (reader/page_cache.py), and must be framable all the same.

Inside the frame the site is a third party, so over HTTPS the session, CSRF and framing cookies
of the LTI paths and of a launched browser go out SameSite=None; Secure (browsers drop
SameSite=None cookies without Secure, hence not over plain HTTP in development).
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

FRAME_COOKIE = "lti_frame"
FRAME_SALT = "lti.frame"
LTI_PATH = "/lti/"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_framing_by(response, urls) -> None:
    """From now on (as long as a session lasts at most) these LMS addresses may frame this
    browser's pages."""
    origins = sorted({origin for origin in map(origin_of, urls) if origin})
    response.set_signed_cookie(
        FRAME_COOKIE, " ".join(origins), salt=FRAME_SALT, max_age=settings.SESSION_COOKIE_AGE, httponly=True,
        samesite="Lax",  # made None (with Secure) over HTTPS below, as the session's is
    )


def framing_origins(request) -> list[str]:
    value = request.get_signed_cookie(FRAME_COOKIE, default="", salt=FRAME_SALT, max_age=settings.SESSION_COOKIE_AGE)
    return value.split() if value else []


def framable_by_any_lms(view):
    """For the pages a launch passes through before the session knows its LMS (login, launch,
    refusals): any site may frame them; they show nothing of anyone's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.xframe_options_exempt = True
        if not (getattr(response, "_csp_replace", None) or {}).get("frame-ancestors"):
            response._csp_replace = {**(getattr(response, "_csp_replace", None) or {}), "frame-ancestors": ["*"]}
        return response

    return wrapped


class FramedByLmsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        ancestors = framing_origins(request)
        on_lti_path = request.path.startswith(LTI_PATH)
        if ancestors:
            # The clickjacking middleware (inside this one) has said DENY already.
            if response.has_header("X-Frame-Options"):
                del response["X-Frame-Options"]
            response._csp_replace = {"frame-ancestors": ancestors, **(getattr(response, "_csp_replace", None) or {})}
        if (ancestors or on_lti_path) and request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, FRAME_COOKIE):
                if name in response.cookies and response.cookies[name].value:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
