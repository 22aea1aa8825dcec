"""``{{ paragraph.page|cite_page }}``: a page as a citation names it, for records that are not
Paragraph rows (an upload's preview)."""

from django import template

from reader.models import cite_page

register = template.Library()
register.filter("cite_page", cite_page)
