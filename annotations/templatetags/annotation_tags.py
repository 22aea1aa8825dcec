from urllib.parse import urlsplit

from django import template

from annotations.rendering import render_markdown
from reader.rendering import plain_text

register = template.Library()


@register.filter
def markdown(body):
    """A note's Markdown as sanitised HTML (annotations.rendering)."""
    return render_markdown(body or "")


@register.filter
def plain(text):
    """Paragraph text without its *emphasis* asterisks and note markers."""
    return plain_text(text or "")


@register.filter
def host(url):
    """The site a link goes to, for a short label."""
    return urlsplit(url).netloc.removeprefix("www.") or url


@register.filter
def visibility_label(annotation):
    if annotation.visibility == "group":
        return annotation.group.name if annotation.group_id else "Group"
    return {"private": "Only me", "public": "Public"}.get(annotation.visibility, annotation.visibility)
