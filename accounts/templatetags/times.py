from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(value):
    """A past moment as '5 minutes ago', or 'just now' under a minute (timesince says '0 minutes')."""
    if not value:
        return ""
    now = timezone.now()
    if (now - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, now)} ago"
