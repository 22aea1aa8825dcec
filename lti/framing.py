"""Pages of a session that an LMS launched may be shown inside that LMS's frame.

The site is framed by nobody (X-Frame-Options DENY, frame-ancestors 'none') except here: after a
launch the session remembers the LMS's origins, and its pages allow exactly those as frame
ancestors. Inside the frame the site is a third party, so over HTTPS the session and CSRF
cookies of the LTI paths and of a launched session go out SameSite=None; Secure (browsers drop
SameSite=None cookies without Secure, hence not over plain HTTP in development).
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

FRAME_ANCESTORS = "lti_frame_ancestors"
LTI_PATH = "/lti/"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_framing_by(request, urls) -> None:
    """Remember, for the rest of this session, that these LMS addresses may frame its pages."""
    origins = sorted({origin for origin in map(origin_of, urls) if origin})
    request.session[FRAME_ANCESTORS] = origins


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
        session = getattr(request, "session", None)
        ancestors = session.get(FRAME_ANCESTORS) if session is not None else None
        on_lti_path = request.path.startswith(LTI_PATH)
        if ancestors:
            # The clickjacking middleware (inside this one) has said DENY already.
            if response.has_header("X-Frame-Options"):
                del response["X-Frame-Options"]
            response._csp_replace = {"frame-ancestors": ancestors, **(getattr(response, "_csp_replace", None) or {})}
        if (ancestors or on_lti_path) and request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies and response.cookies[name].value:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
