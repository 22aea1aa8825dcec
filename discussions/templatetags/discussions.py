from django import template

from annotations.permissions import author_label
from annotations.rendering import render_markdown
from discussions.threads import curation_of

register = template.Library()


@register.filter
def note_html(body):
    """A note's Markdown as safe HTML."""
    return render_markdown(body)


@register.simple_tag(takes_context=True)
def shown_author(context, annotation):
    """The author's name as the person viewing may see it (anonymous posts stay anonymous)."""
    label = getattr(annotation, "shown_author", None)
    return label if label is not None else author_label(context["request"].user, annotation)


@register.filter
def curation(annotation):
    return curation_of(annotation)
