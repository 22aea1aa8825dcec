"""Who is calling the API: a personal token (Authorization: Bearer ...) or the browser session.

Session calls that change something must carry the CSRF token, as forms do; token calls
need none (a browser never adds the header by itself). A token that is sent but wrong,
revoked or unknown answers 401 rather than silently falling back to anonymous.
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from api.models import ApiToken, hash_token

LAST_USED_PRECISION = timedelta(minutes=1)  # skip a write on every single request
# Sent with every 401 (RFC 9110 §11.6.1): how to authenticate.
CHALLENGE = 'Bearer realm="Marginalia API"'


class TokenAuth(HttpBearer):
    def __call__(self, request):
        if request.headers.get("Authorization") and not request.headers["Authorization"].lower().startswith("bearer "):
            raise AuthenticationError()
        return super().__call__(request)

    def authenticate(self, request, token):
        token_row = (
            ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(token)).first()
            if token
            else None
        )
        if token_row is None or not token_row.user.is_active:
            raise AuthenticationError()
        now = timezone.now()
        if token_row.last_used is None or token_row.last_used < now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token_row.pk).update(last_used=now)
        return token_row.user


class CsrfSessionAuth(SessionAuth):
    """The signed-in browser session; ninja's cookie auth checks CSRF on unsafe methods."""

    def _get_key(self, request):
        # Nobody signed in: there is no session to forge, so the caller hears 401 (authenticate),
        # not a CSRF 403 that suggests a token problem.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if request.headers.get("Authorization"):
            return None  # a token was sent: TokenAuth decides
        return super().authenticate(request, key)


def anonymous(request):
    """Last in line for read endpoints: nobody signed in may still read public things."""
    if request.headers.get("Authorization"):
        return None
    return AnonymousUser()  # truthy, so ninja accepts it as the caller


token_auth = TokenAuth()
session_auth = CsrfSessionAuth(csrf=True)
WRITE_AUTH = [token_auth, session_auth]
READ_AUTH = [token_auth, session_auth, anonymous]
