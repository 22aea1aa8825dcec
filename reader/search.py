"""Full-text search inside one document, for the reading page's search box.

PostgreSQL does the work in one query: the generated ``Paragraph.search_vector`` column
(GIN index ``paragraph_search_gin``) matches a websearch query ("exact phrase", -word, or),
SearchRank orders the hits, and ts_headline cuts a snippet around the matched words.

The snippet's highlight markers are private-use characters (MARK_START, MARK_END), so the
snippet can be escaped whole and only then get its <mark> elements: nothing from the text
reaches the page unescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reader.models import Paragraph
from reader.rendering import paragraph_name, plain_text

SEARCH_CONFIG = "english"  # the config the generated tsvector columns use
# ts_headline's highlight markers: private-use characters, so no text of a paper or a note
# can fake one; safe_snippet turns only these into <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_QUERY_LENGTH = 200


def clean_text(value: str, max_length: int = 200) -> str:
    """PostgreSQL text cannot hold NUL; strip it (and trim) so no input reaches the DB as an error."""
    return (value or "").replace("\x00", "").strip()[:max_length]


def safe_snippet(raw: str | None) -> str:
    """Escape a ts_headline result, then turn only our own markers into <mark> elements."""
    text = escape(raw or "")
    text = re.sub(f"{MARK_START}(.*?){MARK_END}", r"<mark>\1</mark>", text, flags=re.S)
    return mark_safe(text.replace(MARK_START, "").replace(MARK_END, ""))
DEFAULT_LIMIT = 50


@dataclass
class ParagraphHit:
    paragraph: Paragraph
    snippet: SafeString

    @property
    def place(self) -> str:
        """Where the hit is, in words a reader knows: "§ 1.3, ¶ 14", "Footnote 5", "Abstract"."""
        p = self.paragraph
        if p.kind == Paragraph.Kind.FOOTNOTE:
            return f"Footnote {p.label}"
        if p.kind in (Paragraph.Kind.REFERENCE, Paragraph.Kind.REFERENCES_HEADING):
            return "References"
        if p.section:
            return paragraph_name(p)
        return p.get_kind_display()


@dataclass
class DocumentSearch:
    query: str
    hits: list[ParagraphHit] = field(default_factory=list)
    more: bool = False  # more paragraphs matched than are listed

    def __bool__(self):
        return bool(self.query)


def _snippet_text(headline: str) -> str:
    """A headline without markup; a fragment may cut an *emphasis* in half, so any asterisk
    touching a word goes (a lone one, as in "2 * 3", stays)."""
    return re.sub(r"(?<=\S)\*|\*(?=\S)", "", plain_text(headline or ""))


def search_document(document, query: str, limit: int = DEFAULT_LIMIT) -> DocumentSearch:
    """The paragraphs of `document` matching `query`, best first, with highlighted snippets."""
    query = clean_text(query, MAX_QUERY_LENGTH)
    if not query:
        return DocumentSearch(query="")
    ts_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    rows = list(
        Paragraph.objects.filter(document=document, search_vector=ts_query)
        .annotate(
            rank=SearchRank(F("search_vector"), ts_query),
            headline=SearchHeadline(
                "text", ts_query, config=SEARCH_CONFIG, start_sel=MARK_START, stop_sel=MARK_END,
                max_words=24, min_words=10, max_fragments=2, fragment_delimiter=" … ",
            ),
        )
        .only("id", "document_id", "position", "kind", "section", "level", "label", "anchor")
        .order_by("-rank", "position")[: limit + 1]
    )
    hits = [ParagraphHit(p, safe_snippet(_snippet_text(p.headline))) for p in rows[:limit]]
    return DocumentSearch(query=query, hits=hits, more=len(rows) > limit)
