"""Login throttling under attack (django-axes, configured in settings).

- Locks are per account: failures for one username, from any address and browser, lock that
  account for the cool-off. Failures for other names never lock anyone else out, so five
  wrong guesses in a computer lab (one address, one browser build) stop nobody but the guesser.
- Per address there is a separate, far higher hourly limit (LOGIN_FAILURES_PER_ADDRESS_PER_HOUR),
  against one machine trying many accounts.
- The address is the peer's, unless the peer is one of TRUSTED_PROXIES: then it is the
  right-most X-Forwarded-For entry that is not a trusted proxy, so a client cannot choose
  its own address by sending the header.
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

# AccessAttempt.username holds 255 characters; Django's login form does not enforce its own
# 150-character limit before authenticating.
USERNAME_MAX_LENGTH = 255


def _networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, X-Forwarded-For trusted only from TRUSTED_PROXIES."""
    peer = request.META.get("REMOTE_ADDR")
    networks = _networks()
    if not peer or not _is_trusted(peer, networks):
        return peer
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed entry: the last trusted hop vouches for nothing further
    return peer


def username_of(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the username tried, cut to what the attempt log can hold."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else None


class AccountAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler (per-account lock) plus the per-address hourly limit."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes marks the lock-out page only for the account's own count; the address's too.
        if request is not None and self._address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    @staticmethod
    def _address_locked(request) -> bool:
        address = getattr(request, "axes_ip_address", None)
        return address_failures_last_hour(address) >= settings.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR


def address_failures_last_hour(address) -> int:
    if not address:
        return 0
    since = timezone.now() - timedelta(hours=1)
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()
