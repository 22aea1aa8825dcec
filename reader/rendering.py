"""Paragraph text to safe HTML for the reading page.

Paragraph text is plain text with two kinds of markup kept from the source (see the contract
in reader/importing.py): Markdown emphasis ``*...*`` and note markers, either Unicode
superscripts (``¹ ²³``) or the caret form of the authors line (``^{2*}``).

Everything is escaped first; only the elements made here (<em>, <sup>, <a>) appear in the
output. Markers become links both ways:

* in the authors line a marker points at an affiliation ("1" -> #p-aff-1) or at the contact
  note ("*"); elsewhere at a footnote ("5" -> #p-fn-5) or a note;
* each citing marker gets an id (``fnref-<label>-<paragraph anchor>``, with ``-2``, ``-3`` when
  one paragraph cites the same note again), and a footnote links back to the first place in
  the document that cites it.

A marker with no note to point at (a stray superscript, say "km²") stays a plain <sup>.
``render_document`` works on paragraphs already loaded, so it costs no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reader.models import Paragraph

Kind = Paragraph.Kind

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPTS, "0123456789")

# "¹²" or "^{2*}" / "^{1,2}". Runs of superscript digits are one marker (footnote 12 is "¹²").
MARKER = re.compile(f"(?P<sup>[{SUPERSCRIPTS}]+)|\\^\\{{(?P<caret>[^{{}}]{{1,20}})\\}}")
# *emphasis*: opening asterisk followed, and closing one preceded, by a non-space; no nesting.
EMPHASIS = re.compile(r"\*(?=[^\s*])([^*]*?[^\s*])\*|\*([^\s*])\*")
# Placeholders standing in for markers while the text is escaped and emphasised: private-use
# characters that escape() leaves alone. Any such character already in the text is dropped.
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_PRIVATE_USE = re.compile("[\ue000\ue001]")

# "Abstract:", "Keywords:", "JEL Classification Codes:": the lead-in of a front-matter field.
LEAD_IN = re.compile(r"^([A-Z][A-Za-z ]{0,40})(:)(\s*)")
LEAD_IN_KINDS = (Kind.ABSTRACT, Kind.KEYWORDS, Kind.METADATA)

# A DOI (only characters that need no escaping, so it can be matched in escaped HTML).
DOI = re.compile(r"\b10\.\d{4,9}/[-._;()/:A-Za-z0-9]*[A-Za-z0-9]")

# Kinds whose paragraphs are notes that markers point at.
NOTE_KINDS = (Kind.FOOTNOTE, Kind.NOTE, Kind.AFFILIATION)
# Kinds that get a back-link to the first place citing them.
BACKLINKED_KINDS = (Kind.FOOTNOTE, Kind.NOTE)


def marker_labels(marker: re.Match) -> list[str]:
    """The labels in one marker: "¹²" -> ["12"], "^{2*}" -> ["2", "*"], "^{1,3}" -> ["1", "3"]."""
    if marker["sup"]:
        return [marker["sup"].translate(_FROM_SUPERSCRIPT)]
    return re.findall(r"\d+|\*|[a-z]", marker["caret"])


@dataclass
class NoteIndex:
    """Where each label points, for the authors line and for everything else."""

    footnotes: dict[str, str] = field(default_factory=dict)  # label -> anchor
    affiliations: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    first_citation: dict[str, str] = field(default_factory=dict)  # target anchor -> id of first citing <a>

    @classmethod
    def build(cls, paragraphs) -> NoteIndex:
        index = cls()
        by_kind = {Kind.FOOTNOTE: index.footnotes, Kind.AFFILIATION: index.affiliations, Kind.NOTE: index.notes}
        for p in paragraphs:
            if p.kind in by_kind and p.label:
                by_kind[p.kind].setdefault(p.label, p.anchor)
        return index

    def target(self, paragraph, label: str) -> str | None:
        """The anchor a label in this paragraph points at, or None."""
        if paragraph.kind == Kind.AUTHORS:
            return self.affiliations.get(label) or self.notes.get(label)
        if paragraph.kind in NOTE_KINDS:
            return None  # a note's own text does not cite other notes
        return self.footnotes.get(label) or self.notes.get(label)


def _marker_html(paragraph, labels: list[str], index: NoteIndex, seen: dict[str, int]) -> str:
    parts = []
    for label in labels:
        target = index.target(paragraph, label)
        if target is None:
            parts.append(escape(label))
            continue
        seen[label] = seen.get(label, 0) + 1
        ref_id = f"fnref-{label if label != '*' else 'star'}-{paragraph.anchor}"
        if seen[label] > 1:
            ref_id += f"-{seen[label]}"
        index.first_citation.setdefault(target, ref_id)
        if target in index.affiliations.values():
            name = f"affiliation {label}"
        elif label == "*" or target in index.notes.values():
            name = "author note"
        else:
            name = f"note {label}"
        parts.append(
            f'<a href="#p-{escape(target)}" id="{escape(ref_id)}" class="note-ref" '
            f'aria-label="{escape(name)}">{escape(label)}</a>'
        )
    return f'<sup class="marker">{",".join(parts)}</sup>'


def render_text(paragraph, index: NoteIndex | None = None) -> SafeString:
    """One paragraph's text as HTML: escaped, with <em> and linked note markers."""
    index = index or NoteIndex()
    text = _PRIVATE_USE.sub("", paragraph.text)
    markers: list[str] = []
    seen: dict[str, int] = {}

    def hold(match: re.Match) -> str:
        markers.append(_marker_html(paragraph, marker_labels(match), index, seen))
        return f"\ue000{len(markers) - 1}\ue001"

    text = MARKER.sub(hold, text)
    html = escape(text)
    html = EMPHASIS.sub(lambda m: f"<em>{m[1] or m[2]}</em>", html)
    html = _PLACEHOLDER.sub(lambda m: markers[int(m[1])], html)
    if paragraph.kind in LEAD_IN_KINDS:
        html = LEAD_IN.sub(r'<span class="lead-in">\1<span class="lead-in-colon">\2</span></span>\3', html, count=1)
    if paragraph.kind == Kind.METADATA and paragraph.label == "DOI":
        html = DOI.sub(lambda m: f'<a href="https://doi.org/{m[0]}" rel="noopener">{m[0]}</a>', html, count=1)
    return mark_safe(html)


def render_document(paragraphs) -> tuple[dict[int, SafeString], dict[str, str]]:
    """HTML for every paragraph (by pk) and, for each note anchor, the id of its first citation."""
    paragraphs = list(paragraphs)
    index = NoteIndex.build(paragraphs)
    html = {p.pk: render_text(p, index) for p in paragraphs}
    return html, index.first_citation


def plain_text(text: str) -> str:
    """Text without markup, for titles, snippets and attributes."""
    text = MARKER.sub("", text)
    return EMPHASIS.sub(lambda m: m[1] or m[2], text)


# --- The reading page's parts -----------------------------------------------------------------

FRONT_MATTER_KINDS = (
    Kind.TITLE, Kind.AUTHORS, Kind.AFFILIATION, Kind.ABSTRACT, Kind.KEYWORDS, Kind.METADATA, Kind.NOTE,
)
OUTLINE_KINDS = (Kind.HEADING, Kind.REFERENCES_HEADING)
_SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*\.?)(\s+)")


@dataclass
class OutlineEntry:
    paragraph: Paragraph
    number: str
    title: str
    children: list[OutlineEntry] = field(default_factory=list)


def outline(paragraphs) -> list[OutlineEntry]:
    """The table of contents: headings nested by level (the references heading at the top level)."""
    roots: list[OutlineEntry] = []
    stack: list[tuple[int, OutlineEntry]] = []
    for p in paragraphs:
        if p.kind not in OUTLINE_KINDS:
            continue
        level = max(p.level, 1) if p.kind == Kind.HEADING else 1
        title = plain_text(p.text).rstrip(":").strip()
        number = p.section if p.kind == Kind.HEADING else ""
        if number:
            title = _SECTION_NUMBER.sub("", title, count=1)
        entry = OutlineEntry(p, number, title)
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(entry)
        stack.append((level, entry))
    return roots


@dataclass(frozen=True)
class RenderedParagraph:
    """One paragraph's text as the reading page shows it (the same for every reader)."""

    paragraph: Paragraph
    html: SafeString
    heading_level: int  # h1 is the paper's title; a level-1 section is an h2, and so on
    backlink: str  # for a note, the id of the first place citing it
    page_mark: str = ""  # the printed source's page that begins here, for the gutter

    @property
    def citable(self) -> bool:
        return self.paragraph.kind in CITED_KINDS

    @property
    def pk(self):
        return self.paragraph.pk

    @property
    def anchor(self):
        return self.paragraph.anchor

    @property
    def kind(self):
        return self.paragraph.kind

    @property
    def label(self):
        return self.paragraph.label


# Where a paragraph's text goes in its kept block (ReadingPage.blocks): private-use characters,
# which render_text drops from any text, so no paper can contain them.
TEXT_HOLE = "\ue002text\ue003"
KEPT_VERSIONS = 64  # documents' texts each process keeps (a few hundred KB each)


@dataclass(frozen=True)
class ReadingPage:
    """A document's paragraphs rendered for the reading page, from rows already loaded."""

    paragraphs: list[RenderedParagraph]  # in reading order
    outline: list[OutlineEntry]
    # {paragraph id: its text column as HTML (templates/reader/_paragraph_text.html), with
    # TEXT_HOLE where the text goes}: only in a page from ReadingPage.of
    blocks: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> ReadingPage:
        """The document's text as every reader sees it, rendered once per process and kept:
        a document's paragraphs are fixed once imported (a new version is a new document),
        so nothing invalidates it. The key has what the blocks show of the document row
        (its address, in links) and `updated`, which every save of the row moves: the admin,
        the one place a paragraph is edited, saves its document too (reader/admin.py). The
        paragraphs are shared by every request of the process: read them, never change them."""
        return _kept_page(document.pk, document.slug, document.get_absolute_url(), document.updated)

    def block(self, rendered: RenderedParagraph, text_html: str) -> SafeString:
        """A paragraph's kept text column with `text_html` (its text, marked for this reader) in it."""
        return mark_safe(self.blocks[rendered.pk].replace(TEXT_HOLE, text_html))

    @property
    def front_matter(self) -> list[RenderedParagraph]:
        return [p for p in self.paragraphs if is_front_matter(p)]

    @property
    def body(self) -> list[RenderedParagraph]:
        return [p for p in self.paragraphs if not is_front_matter(p)]

    @classmethod
    def build(cls, paragraphs) -> ReadingPage:
        paragraphs = list(paragraphs)
        html, first_citation = render_document(paragraphs)
        rendered = []
        printed_on = ""
        for p in paragraphs:
            # The gutter marks where a new page of the printed source begins.
            first_page = p.page.split("–")[0]
            page_mark = first_page if first_page and first_page != printed_on else ""
            printed_on = first_page or printed_on
            text = html[p.pk]
            if p.kind == Kind.HEADING:
                text = mark_safe(_SECTION_NUMBER.sub(r'<span class="section-number">\1</span>\2', text, count=1))
            backlink = first_citation.get(p.anchor, "") if p.kind in BACKLINKED_KINDS else ""
            rendered.append(RenderedParagraph(p, text, min(max(p.level, 1) + 1, 6), backlink, page_mark))
        return cls(rendered, outline(paragraphs))


@lru_cache(maxsize=KEPT_VERSIONS)
def _kept_page(document_id: int, slug: str, url: str, updated) -> ReadingPage:
    # The generated tsvector is only for searching; the page never shows it.
    paragraphs = Paragraph.objects.filter(document_id=document_id).order_by("position").defer("search_vector")
    page = ReadingPage.build(paragraphs)
    blocks = {
        p.pk: render_to_string(
            "reader/_paragraph_text.html", {"p": p, "slug": slug, "document_url": url, "text_hole": TEXT_HOLE}
        )
        for p in page.paragraphs
    }
    return ReadingPage(page.paragraphs, page.outline, blocks)


def is_front_matter(paragraph) -> bool:
    return paragraph.kind in FRONT_MATTER_KINDS


def paragraph_number(paragraph) -> int:
    """The paragraph's number wherever one is shown: counted from 1 in reading order, as the
    heat strip counts (positions count from 0)."""
    return paragraph.position + 1


def paragraph_name(paragraph) -> str:
    """A paragraph as people name it: "§ 1.2, ¶ 5" (¶ 5 outside numbered sections)."""
    number = paragraph_number(paragraph)
    return f"§ {paragraph.section}, ¶ {number}" if paragraph.section else f"¶ {number}"


# What a reader quotes: passages of the text, not its headings or the front matter's lines.
CITED_KINDS = (Kind.ABSTRACT, Kind.BODY, Kind.LIST_ITEM, Kind.FOOTNOTE, Kind.REFERENCE, Kind.CAPTION, Kind.TABLE)
QUOTE_MAX = 2000  # characters of a quoted passage a citation carries


def citation(paragraph, url: str, quote: str = "") -> str:
    """The paragraph as a reader cites it: its paper's authors and title, its DOI where it
    has one, the paragraph as the app names it, its page where known, and its permalink
    (``url``, absolute): 'Huang Qunhui, Li Fangfang. “Rationale ….” doi:10.19602/…. § 1.2,
    ¶ 5, p. 117. https://…'. With ``quote`` (words of the paragraph), the quoted passage first."""
    document = paragraph.document
    title = " ".join(document.title.split())
    parts = [f"{' '.join(document.authors.split())}."] if document.authors.strip() else []
    parts.append(f"“{title}{'' if title.endswith(('.', '?', '!')) else '.'}”")
    if document.doi:
        parts.append(f"doi:{document.doi}.")
    where = paragraph_name(paragraph)
    if paragraph.page:
        where += f", {paragraph.page_citation}"
    parts += [f"{where}.", url]
    cited = " ".join(parts)
    return f"“{quote}” — {cited}" if quote else cited


def quoted_words(paragraph, quote: str) -> str:
    """``quote`` tidied (one line, at most QUOTE_MAX characters) if its words are the
    paragraph's, else "": a citation never puts words in a paper's mouth."""
    quote = " ".join(quote.split())[:QUOTE_MAX]
    return quote if quote and _letters(quote) in _letters(plain_text(paragraph.text)) else ""


def _letters(text: str) -> str:
    """Only the letters, so a quote compares whatever its spacing, punctuation and note markers."""
    return re.sub(r"[\W\d_]+", "", text.lower())


def paragraph_title(paragraph, length: int = 48) -> str:
    """The name and the opening words, for a link or a heading: "§ 1.2, ¶ 5 — In 1981, the Sixth…"."""
    opening = cut_at_word(" ".join(plain_text(paragraph.text).split()), length)
    return f"{paragraph_name(paragraph)} — {opening}" if opening else paragraph_name(paragraph)


def cut_at_word(text: str, length: int) -> str:
    """`text` if it fits in `length` characters, else cut at a word, with an ellipsis, to fit."""
    if len(text) <= length:
        return text
    head = text[: length - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:.") + "…"
