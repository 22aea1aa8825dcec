from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from annotations.permissions import author_label
from discussions.threads import curation_of

register = template.Library()


def _renderer():
    """The annotations app's Markdown renderer (markdown-it + nh3), once it is there."""
    try:
        from annotations import rendering
    except ImportError:
        return None
    for name in ("render_note", "render_markdown", "render_body", "render"):
        if callable(getattr(rendering, name, None)):
            return getattr(rendering, name)
    return None


@register.filter
def note_html(body):
    """A note's Markdown as safe HTML; until the shared renderer exists, escaped paragraphs."""
    render = _renderer()
    if render is not None:
        return mark_safe(str(render(body or "")))
    return linebreaks(body or "", autoescape=True)


@register.simple_tag(takes_context=True)
def shown_author(context, annotation):
    """The author's name as the person viewing may see it (anonymous posts stay anonymous)."""
    label = getattr(annotation, "shown_author", None)
    return label if label is not None else author_label(context["request"].user, annotation)


@register.filter
def curation(annotation):
    return curation_of(annotation)
