from functools import lru_cache

from django import template
from django.template import Context

from accounts.templatetags.times import ago
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


# A card's forms carry the reader's CSRF token, so a card with them is rendered each time.
_FORM_ACTIONS = frozenset({"delete", "restore"})


@register.simple_tag(takes_context=True)
def margin_card(context, card, margin_filter):
    """A card in the reading page's margin (_card.html, mode "margin"). Most cards read the same
    to everyone who sees them alike, and a class reads the same cards over and over: rendered
    once per what it shows (the card's value, the filter's query string, how long ago it was
    written) and kept. The value is the key, so nothing needs invalidating."""
    if card.actions & _FORM_ACTIONS:
        with context.push(card=card, mode="margin", margin_filter=margin_filter):
            return context.template.engine.get_template("annotations/_card.html").render(context)
    return _kept_margin_card(card, margin_filter.querystring() if margin_filter else "", ago(card.created))


@lru_cache(maxsize=2048)  # about 3 kB each (the card and its HTML): a few MB a process at most
def _kept_margin_card(card, querystring, _ago):
    card_template = template.engines["django"].engine.get_template("annotations/_card.html")
    context = Context({"card": card, "mode": "margin", "margin_filter": {"querystring": querystring}})
    return card_template.render(context)
