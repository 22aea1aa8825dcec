"""reverse(), kept: the addresses a page is full of (a card's, its thread's, its author's,
its paper's) are worked out again for every card of every reader, and Django's reverse()
takes ~70 µs each (a margin batch asked for 160 of them: a tenth of its CPU). An address
depends only on the view's name, its arguments, the script prefix and the URLconf, which are
the key, so nothing needs invalidating."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def reverse_kept(viewname: str, *args) -> str:
    """reverse(viewname, args=args), from the cache when asked before."""
    return _reverse(viewname, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=16384)  # about 200 bytes each: a few MB a process at most
def _reverse(viewname, args, _prefix, urlconf) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)
