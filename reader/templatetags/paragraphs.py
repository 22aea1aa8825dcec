"""A paragraph as people name it, in any template: ``{{ paragraph|paragraph_name }}`` ("§ 1.2, ¶ 5")
and ``{{ paragraph|paragraph_title }}`` ("§ 1.2, ¶ 5 — In 1981, the Sixth…"), never its anchor;
``{{ paragraph|paragraph_html }}``, its text with *emphasis* rendered, not its raw markup."""

from django import template

from reader.rendering import paragraph_name, paragraph_title, render_text

register = template.Library()
register.filter("paragraph_name", paragraph_name)
register.filter("paragraph_title", paragraph_title)
# A paragraph's text on its own, outside the reading page: *emphasis* as <em>, markers unlinked.
register.filter("paragraph_html", render_text)
