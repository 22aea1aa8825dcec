from django import template

from annotations import presenters
from annotations.rendering import excerpt as plain_excerpt
from annotations.rendering import render_markdown
from reader.rendering import plain_text

register = template.Library()


@register.filter
def markdown(body):
    """A note's Markdown as sanitised HTML (annotations.rendering): the one Markdown filter."""
    return render_markdown(body or "")


@register.filter
def excerpt(body, length=120):
    """A note's Markdown as plain text for a preview, at most `length` characters."""
    return plain_excerpt(body or "", int(length))


@register.filter
def plain(text):
    """Paragraph text without its *emphasis* asterisks and note markers."""
    return plain_text(text or "")


@register.filter
def visibility_label(annotation):
    """Who may see a note, in words ("Only me", "Public", the group's name)."""
    return presenters.visibility_label(annotation)
