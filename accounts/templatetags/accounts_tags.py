from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_in_words(delta):
    """A timedelta as '15 minutes' or '2 hours' (for axes' cool-off on the lockout page)."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
