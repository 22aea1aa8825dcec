"""For records that are not Paragraph rows (an upload's preview): ``{{ p.page|cite_page }}``,
a page as a citation names it; ``{{ p.kind|kind_label }}``, a kind in words, not its key."""

from django import template

from reader.models import Paragraph, cite_page

register = template.Library()
register.filter("cite_page", cite_page)

KIND_LABELS = dict(Paragraph.Kind.choices)


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind).lower()
