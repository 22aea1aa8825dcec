from django import template

from annotations.permissions import author_label
from discussions.threads import curation_of

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_author(context, annotation):
    """The author's name as the person viewing may see it (anonymous posts stay anonymous)."""
    return author_label(context["request"].user, annotation)


@register.filter
def curation(annotation):
    return curation_of(annotation)
