"""A note's Markdown as safe HTML.

Notes are untrusted. Two layers keep them harmless:

1. markdown-it-py renders CommonMark with raw HTML turned off (``<script>`` stays text) and
   with its own link validation (javascript:, vbscript:, file: and most data: links are not
   made into links); linkify turns bare web addresses into links.
2. nh3 (the Rust ``ammonia`` sanitiser) then keeps only an allow-list of tags and
   attributes, and only http, https and mailto links, and sets rel="nofollow noopener" on
   every link. Whatever slips past the first layer is stopped by the second.

No images: a note cannot make the reader's browser fetch anything.
"""

import html
import re
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from reader.rendering import cut_at_word

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "commonmark" plus tables and strikethrough; html=False is the point of this module.
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    # An image would make every reader's browser fetch a URL of the author's choosing;
    # without the rule, ![alt](url) reads as "!" and an ordinary link.
    md.disable("image")
    return md


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(body: str) -> SafeString:
    """The note `body` (Markdown) as sanitised HTML, safe to put in a page as it is."""
    if not body or not body.strip():
        return mark_safe("")
    return mark_safe(_rendered(body))


# The same notes are shown again and again (a reading page has hundreds); rendering is a pure
# function of the text, so each process keeps the latest few thousand (a few MB at most).
@lru_cache(maxsize=4096)
def _rendered(body: str) -> str:
    return sanitise(_markdown().render(body))


# Block elements part words ("one</p><p>two" is "one two"); inline ones do not ("**a**," is "a,").
_BLOCK_TAG = re.compile(r"</?(?:p|br|hr|li|ul|ol|h[1-6]|blockquote|pre|table|thead|tbody|tr|th|td)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def excerpt(body: str, length: int = 120) -> str:
    """The note `body` as plain text for a preview: its Markdown rendered, the markup taken
    away (so a preview never shows ``**`` or ``[text](url)``), whitespace run together, cut
    at a word to at most `length` characters. Autoescaping applies where it is shown."""
    if not body or not body.strip():
        return ""
    return cut_at_word(_SPACE.sub(" ", html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", _rendered(body))))).strip(), length)
