"""Turn a paper's text (plain text or light Markdown) into paragraph records.

The work is split in two so that the part that needs thought can be tested without a
database: ``parse_document`` is a pure function from text to a ``ParsedDocument`` (a list
of ``ParsedParagraph`` dataclasses plus the front-matter fields), and ``import_document``
writes one into the database in a single transaction with ``bulk_create``. This is the one
structuring step: the importers (reader/importers/, one module per source format) turn a
file of any format into the text it reads, and refuse what they cannot read with
``ImportRefused``.

Conventions of the source (a PDF extraction, as in fixtures/new-industrialization.txt)
-------------------------------------------------------------------------------------
Paragraphs are separated by blank lines; lines inside one paragraph are joined with a
space, except list items ("- ", "+ ", "* ") which each become their own record.

The contract the reader pages, annotations and API rely on
-----------------------------------------------------------
Every record has ``kind``, ``section``, ``level``, ``label``, ``text``, ``anchor``,
``content_hash`` (sha256 hex of ``text``) and ``position`` (0, 1, 2 … in reading order).

``text`` is the source text, with two kinds of markup kept exactly as in the source:
Markdown emphasis ``*...*`` and footnote markers as Unicode superscripts (``¹ ² ³``, and
the ``^{2*}`` form used on the authors line). Markup that only says what a paragraph *is*
moves out of ``text`` into ``label``: the leading marker of a footnote, affiliation or
contact note, the "- " of a list item, and the "#" of a Markdown heading.

======================  ===========================================================
kind                    what it is; label; anchor
======================  ===========================================================
title                   first paragraph, when it looks like a title; anchor "title"
authors                 the line after the title; anchor "authors"
affiliation             "¹ Institute …" in the front matter; label "1"; anchor "aff-1"
abstract                "Abstract: …" (the text keeps its "Abstract:" lead-in); "abstract"
keywords                "Keywords: …"; anchor "keywords"
metadata                "JEL Classification Codes: …", "DOI: …" and similar; label "JEL",
                        "DOI" (or the field's name); anchor "meta-jel", "meta-doi"
note                    the contact line "* CONTACT: …"; label "*"; anchor "fn-star";
                        text without the leading "* "
heading                 "1.3 Title": section "1.3", level 2 ("1." is level 1), anchor
                        "s-1-3"; a Markdown heading without a number has section "",
                        level from its "#"s, anchor "s-<slug of its words>"
references_heading      "References:" (or Bibliography …); anchor "references"
body                    prose; section = the section it is in ("" before the first
                        heading); anchor "<section>-<first words>-<hash>" (see below)
list_item               a "- " item outside the references; anchored like body
footnote                "¹ These refer …": label "1", text without the marker, anchor
                        "fn-1"; section = the section where it is placed
reference               every paragraph after the references heading ("- " items and the
                        trailing paragraphs without a dash); anchor "ref-<words>-<hash>"
caption                 "Figure 2: …", "Table 1. …"; anchored like body
table                   a block of "| cell | cell |" lines (one record, rows kept as lines)
======================  ===========================================================

Pages: a line "\f[p. 117]" (form feed, then the page as printed) says the paragraphs that
follow were on page 117; each record keeps it in ``page`` ("117–118" for a paragraph joined
across a page break). A PDF's marks also give the page's index in the file, from 1
("\f[p. 117 #5]"), kept in ``page_index`` (of the paragraph's first page): a page selector
names the index, which the printed label is not. Plain text without such lines has no pages,
as before.

Anchors are slug-safe (``[a-z0-9-]``, at most 80 characters), unique within a document and
deterministic: they come from the kind, the section and the words of the paragraph, never
from its position, so inserting a paragraph in a later version leaves the others' anchors
alone. The short hash is taken over the paragraph's first 20 words (normalised), so fixing
a typo near the end of a long paragraph keeps its permalink. Two paragraphs that would get
the same anchor (the same opening words in the same section) get "-2", "-3" … in order.

Page breaks
-----------
The PDF extraction cut some paragraphs at a page break and put the page's footnotes (and
the contact note) in between. A body paragraph that ends mid-sentence (no terminal
punctuation once closing quotes, brackets, emphasis and footnote markers are set aside) is
joined, with a single space, to the next body paragraph when

* footnotes or notes stand between them (the page break is evident), or
* nothing stands between them and the next paragraph starts in lower case.

The footnotes that interrupted it are placed right after the joined paragraph, in their
order. So the records in position order reproduce the source's word sequence exactly,
except that interrupting footnotes move to after the paragraph they interrupted (this is
what tests/test_importer.py proves on the seed paper and on tests/data/).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from reader.models import Document, Paragraph

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")

# A footnote or affiliation starts with its marker: "¹ …", "¹⁰ …" or "^{3} …".
_MARKED = re.compile(r"^(?:(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\^\{(?P<caret>[0-9]+)\})\s+(?P<text>\S.*)$", re.DOTALL)
# The contact line: "* CONTACT: …" (or "Corresponding author: …").
_NOTE = re.compile(r"^\*\s*(?P<text>(?:contact|corresponding author|correspondence|e-?mail)\b.*)$", re.DOTALL | re.IGNORECASE)
# "\f[p. 117]" on a line of its own: what follows was printed on page 117 (the importers of
# paged sources write it; a form feed is where plain text has always broken pages). A PDF's
# say which page of the file that is, too: "\f[p. 117 #5]".
_PAGE_MARK = re.compile(r"^\f\[p\. ?(?P<page>[^\]\n]{1,20}?)(?: #(?P<index>\d{1,6}))?\]\s*$")
# "Figure 2: …", "Table 1. …": a caption, kept as its own kind, never body text.
_CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|exhibit|plate)\s+[0-9IVX]+[a-z]?\s*[.:—–-]\s*\S", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^[-+*]\s+(?P<text>\S.*)$", re.DOTALL)
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>\S.*)$", re.DOTALL)
# "1. Title" (level 1) or "1.3 Title" / "1.3. Title" (level 2 and deeper).
_NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,3}\.|\d{1,3}(?:\.\d{1,3})+\.?)\s+(?P<rest>\S.*)$", re.DOTALL)
_REFERENCES_HEADING = re.compile(r"^(?:references|bibliography|works cited|literature cited)\s*:?$", re.IGNORECASE)
_ABSTRACT = re.compile(r"^\*{0,2}(?:abstract|summary)\*{0,2}\s*[:.]", re.IGNORECASE)
_KEYWORDS = re.compile(r"^\*{0,2}(?:keywords|key words)\*{0,2}\s*[:.]\s*(?P<value>.*)$", re.IGNORECASE | re.DOTALL)
_METADATA = re.compile(
    r"^\*{0,2}(?P<name>JEL(?: classification)?(?: codes?)?|DOI|ISSN|received|accepted|published(?: online)?"
    r"|citation|cite this article)\*{0,2}\s*:\s*(?P<value>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# What may follow the last word of a complete sentence and should be looked through.
_TRAILING_DECORATION = "”’\"')]}*_ " + SUPERSCRIPT_DIGITS
_SENTENCE_END = ".!?…:;■□∎"

HEADING_MAX_CHARS = 300
ANCHOR_MAX = 80


Kind = Paragraph.Kind


class ImportRefused(Exception):
    """The input cannot become a document; the message is one line meant for people."""


@dataclass(frozen=True)
class ParsedParagraph:
    kind: str
    text: str
    section: str = ""
    level: int = 0
    label: str = ""
    anchor: str = ""
    page: str = ""  # the page (or "117–118") it was printed on, when the source has pages
    page_index: int | None = None  # which page of the file (from 1) it starts on, when known

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass(frozen=True)
class PageBreakJoin:
    """Where a paragraph cut by a page break was put back together."""

    before: str  # the last words before the cut
    after: str  # the first words after it
    moved_footnotes: tuple[str, ...]  # labels of the footnotes/notes that stood in between


@dataclass
class ParsedDocument:
    title: str
    authors: str = ""
    doi: str = ""
    keywords: str = ""
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    joins: list[PageBreakJoin] = field(default_factory=list)

    def kind_counts(self) -> Counter:
        return Counter(p.kind for p in self.paragraphs)


# ---------------------------------------------------------------------------------------
# Text to paragraphs


def split_blocks(text: str) -> list[tuple[str, int | None, str]]:
    """(page, page index, block) triples: paragraphs separated by blank lines; list items on
    their own; inner lines joined, except a table's rows; a page mark line sets the page that
    follows."""
    blocks = []
    page, index = "", None
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = []
        for line in chunk.split("\n"):
            if mark := _PAGE_MARK.match(line):
                page = mark["page"].strip()
                index = int(mark["index"]) if mark["index"] else None
            elif line.strip():
                lines.append(line.strip())
        if lines and all(line.startswith("|") for line in lines):
            blocks.append((page, index, "\n".join(lines)))
            continue
        current: list[str] = []
        for line in lines:
            # A list item starts a new record; "* CONTACT: …" is a note, not a bullet.
            if current and _LIST_ITEM.match(line) and not _NOTE.match(line):
                blocks.append((page, index, " ".join(current)))
                current = []
            current.append(line)
        if current:
            blocks.append((page, index, " ".join(current)))
    return blocks


def superscript_to_digits(marker: str) -> str:
    return marker.translate(_FROM_SUPERSCRIPT)


def strip_markers(text: str) -> str:
    """Text without footnote markers and emphasis, for Document fields and anchors."""
    text = re.sub(r"\^\{[^}]*\}", "", text)
    text = re.sub(f"[{SUPERSCRIPT_DIGITS}]", "", text)
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def ends_mid_sentence(text: str) -> bool:
    stripped = text.rstrip(_TRAILING_DECORATION)
    return bool(stripped) and stripped[-1] not in _SENTENCE_END


def starts_lower_case(text: str) -> bool:
    first = text.lstrip("*_“‘\"'(")[:1]
    return first.islower()


def _looks_like_title(text: str) -> bool:
    return len(text) <= HEADING_MAX_CHARS and not text.rstrip("*").endswith(".")


_NAME_PARTICLES = {"de", "da", "del", "della", "der", "di", "du", "la", "le", "van", "von", "y", "bin", "al"}


def _looks_like_authors(text: str) -> bool:
    """"Huang Qunhui¹, Li Fangfang^{2*}": names of capitalised words, separated by commas or "and"."""
    names = [n for n in re.split(r",|;|&|\band\b", strip_markers(text)) if n.strip()]
    if not names or len(text) > 500:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 6:
            return False
        if not all(w[:1].isupper() or w in _NAME_PARTICLES for w in words):
            return False
    return True


def _heading(text: str) -> tuple[str, int, str] | None:
    """(section, level, text) when the paragraph is a heading, else None."""
    hashes = 0
    md = _MD_HEADING.match(text)
    if md:
        hashes, text = len(md["hashes"]), md["text"]
    if len(text) > HEADING_MAX_CHARS:
        return None
    numbered = _NUMBERED_HEADING.match(text)
    if numbered:
        rest = numbered["rest"].lstrip("*_“\"")
        # "1. We show that …" in prose is a numbered list, not a heading: a heading starts
        # with a capital and has no closing full stop.
        if md or (rest[:1].isupper() and not text.rstrip("*").endswith(".")):
            section = numbered["number"].rstrip(".")
            return section, section.count(".") + 1, text
    if md:
        # An unnumbered Markdown heading: "#" is the title's level, so "##" is level 1.
        return "", max(1, hashes - 1), text
    return None


def parse_document(text: str, fallback_title: str = "Untitled") -> ParsedDocument:
    blocks = split_blocks(text)
    doc = ParsedDocument(title=fallback_title)
    items: list[ParsedParagraph] = []
    front = True  # still in the front matter (before the first heading or body paragraph)
    in_references = False
    section = ""

    for index, (page, page_index, block) in enumerate(blocks):
        note = _NOTE.match(block)
        marked = _MARKED.match(block)
        md = _MD_HEADING.match(block)
        plain = md["text"] if md else block
        if note:
            items.append(ParsedParagraph(Kind.NOTE, note["text"], section, label="*"))
        elif marked and front and index > 0:
            label = marked["caret"] or superscript_to_digits(marked["sup"])
            items.append(ParsedParagraph(Kind.AFFILIATION, marked["text"], label=label))
        elif marked:
            label = marked["caret"] or superscript_to_digits(marked["sup"])
            items.append(ParsedParagraph(Kind.FOOTNOTE, marked["text"], section, label=label))
        elif index == 0 and _looks_like_title(plain):
            doc.title = strip_markers(plain)
            items.append(ParsedParagraph(Kind.TITLE, plain))
        elif front and _ABSTRACT.match(block):
            items.append(ParsedParagraph(Kind.ABSTRACT, block))
        elif front and (keywords := _KEYWORDS.match(block)):
            doc.keywords = strip_markers(keywords["value"])
            items.append(ParsedParagraph(Kind.KEYWORDS, block))
        elif front and (metadata := _METADATA.match(block)):
            name = metadata["name"]
            label = "JEL" if name.upper().startswith("JEL") else "DOI" if name.upper() == "DOI" else name
            if label == "DOI":
                doc.doi = strip_markers(metadata["value"]).removeprefix("https://doi.org/")
            items.append(ParsedParagraph(Kind.METADATA, block, label=label[:20]))
        elif (
            front
            and items
            and items[-1].kind == Kind.TITLE
            and len(items) == 1
            and _looks_like_authors(block)
            and not _heading(block)
        ):
            doc.authors = strip_markers(block)
            items.append(ParsedParagraph(Kind.AUTHORS, block))
        elif _REFERENCES_HEADING.match(plain.strip("*")):
            # The references belong to no numbered section.
            front, in_references, section = False, True, ""
            items.append(ParsedParagraph(Kind.REFERENCES_HEADING, plain))
        elif in_references:
            item = _LIST_ITEM.match(block)
            items.append(ParsedParagraph(Kind.REFERENCE, item["text"] if item else block, section))
        elif block.startswith("|"):
            front = False
            items.append(ParsedParagraph(Kind.TABLE, block, section))
        elif _CAPTION.match(block):
            items.append(ParsedParagraph(Kind.CAPTION, block, section))
        elif heading := _heading(block):
            front = False
            section, level, heading_text = heading
            items.append(ParsedParagraph(Kind.HEADING, heading_text, section, level=level))
        elif item := _LIST_ITEM.match(block):
            front = False
            items.append(ParsedParagraph(Kind.LIST_ITEM, item["text"], section))
        else:
            front = False
            items.append(ParsedParagraph(Kind.BODY, block, section))
        # Each branch added this block's one record; it was printed where the block was.
        items[-1] = replace(items[-1], page=page, page_index=page_index)

    doc.paragraphs, doc.joins = join_page_breaks(items)
    doc.paragraphs = assign_anchors(doc.paragraphs)
    return doc


def join_page_breaks(items: list[ParsedParagraph]) -> tuple[list[ParsedParagraph], list[PageBreakJoin]]:
    """Join body paragraphs cut by a page break; move the interrupting footnotes after them."""
    out: list[ParsedParagraph] = []
    joins: list[PageBreakJoin] = []
    i = 0
    while i < len(items):
        paragraph = items[i]
        i += 1
        if paragraph.kind != Kind.BODY:
            out.append(paragraph)
            continue
        text, moved, last_page = paragraph.text, [], paragraph.page
        while ends_mid_sentence(text):
            k = i
            while k < len(items) and items[k].kind in (Kind.FOOTNOTE, Kind.NOTE):
                k += 1
            interrupting = items[i:k]
            if k < len(items) and items[k].kind == Kind.BODY and (interrupting or starts_lower_case(items[k].text)):
                joins.append(
                    PageBreakJoin(
                        before=" ".join(text.split()[-3:]),
                        after=" ".join(items[k].text.split()[:3]),
                        moved_footnotes=tuple(p.label for p in interrupting),
                    )
                )
                text = f"{text} {items[k].text}"
                last_page = items[k].page
                moved.extend(interrupting)
                i = k + 1
            else:
                break
        out.append(replace(paragraph, text=text, page=page_span(paragraph.page, last_page)))
        out.extend(moved)
    return out, joins


def page_span(first: str, last: str) -> str:
    """ "117" or "117–118": the pages a paragraph was printed on (first and last as printed)."""
    first_start, last_end = first.split("–")[0], last.split("–")[-1]
    return first if not last_end or last_end == first_start else f"{first_start}–{last_end}"


# ---------------------------------------------------------------------------------------
# Corrections: what the instructor changed in the preview, replayed on every parse


class CorrectionRefused(ImportRefused):
    """A correction that does not fit the block it names; ``block`` is that block's index."""

    def __init__(self, message: str, block: int):
        super().__init__(message)
        self.block = block


CORRECTABLE_KINDS = (Kind.HEADING, Kind.BODY, Kind.FOOTNOTE, Kind.REFERENCE)
DROP = "drop"
_SECTION_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,5}$")
# Kinds whose section is the section they stand in (front matter keeps "").
_IN_SECTION = {Kind.BODY, Kind.LIST_ITEM, Kind.FOOTNOTE, Kind.NOTE, Kind.CAPTION, Kind.TABLE}


def block_hash(p: ParsedParagraph) -> str:
    """Names a block's text in a correction, so one recorded against other text is refused."""
    return p.content_hash[:12]


def _renumbered(p: ParsedParagraph, number: str) -> ParsedParagraph:
    number = number.strip().rstrip(".")
    if not _SECTION_NUMBER.match(number):
        raise ValueError(f"“{number}” is not a section number: write it like “2” or “2.1”.")
    # Its old number goes, with or without the full stop ("2 Methods" as well as "2. Methods").
    words = re.sub(r"^\d{1,3}(?:\.\d{1,3})*\.?\s+(?=\S)", "", p.text, count=1)
    shown = f"{number}." if "." not in number else number
    return replace(p, kind=Kind.HEADING, text=f"{shown} {words}", section=number, level=number.count(".") + 1)


def _with_kind(p: ParsedParagraph, kind: str) -> ParsedParagraph:
    if kind == Kind.HEADING:
        found = _heading(p.text)
        section, level = (found[0], found[1]) if found else ("", 1)
        return replace(p, kind=kind, section=section, level=level, label="")
    if kind == Kind.FOOTNOTE:
        leading = re.match(r"^(\d{1,3})[.)]?\s+(\S.*)$", p.text, re.DOTALL)
        label, text = (leading[1], leading[2]) if leading else (p.label or "", p.text)
        return replace(p, kind=kind, text=text, label=label, level=0)
    return replace(p, kind=kind, level=0, label="")


def _correct(paragraphs: list[ParsedParagraph], correction: dict) -> list[ParsedParagraph]:
    at = correction.get("block")
    if not isinstance(at, int) or not 0 <= at < len(paragraphs):
        raise CorrectionRefused("That block is no longer in the preview; reload the page.", block=-1)
    p = paragraphs[at]
    if correction.get("hash") != block_hash(p):
        raise CorrectionRefused("This block changed since the page was shown; look at it again.", block=at)
    action, out = correction.get("action"), list(paragraphs)
    try:
        if action == "kind":
            kind = correction.get("kind")
            if kind == p.kind:
                raise ValueError("It is that kind already: choose another kind for it.")
            if kind == DROP:
                if len(paragraphs) == 1:
                    raise ValueError("The paper needs at least one paragraph.")
                del out[at]
            elif kind in CORRECTABLE_KINDS:
                out[at] = _with_kind(p, kind)
            else:
                raise ValueError("Choose heading, body, footnote, reference or leave it out.")
        elif action == "merge":
            if at + 1 >= len(paragraphs):
                raise ValueError("This is the last block: there is no next one to merge it with.")
            after = paragraphs[at + 1]
            out[at : at + 2] = [replace(p, text=f"{p.text} {after.text}", page=page_span(p.page, after.page or p.page))]
        elif action == "split":
            words = " ".join(str(correction.get("at", "")).split())
            cut = p.text.find(words, 1) if words else -1
            if cut <= 0 or not p.text[:cut].strip():
                raise ValueError("Type the words where the second part starts, as they are in this block (not its first words).")
            second_kind = Kind.BODY if p.kind == Kind.HEADING else p.kind
            out[at : at + 1] = [
                replace(p, text=p.text[:cut].rstrip()),
                replace(p, kind=second_kind, text=p.text[cut:], level=0 if second_kind != p.kind else p.level),
            ]
        elif action == "number":
            if p.kind != Kind.HEADING:
                raise ValueError("Only a heading has a number.")
            out[at] = _renumbered(p, str(correction.get("number", "")))
        else:
            raise ValueError("That is not a correction this page offers.")
    except ValueError as problem:
        raise CorrectionRefused(str(problem), block=at) from None
    return out


def carry_corrections(parsed: ParsedDocument, corrections: list[dict]) -> list[dict]:
    """The ``corrections`` of an earlier import that still fit ``parsed`` (a later version of
    the same file): each finds its block by text, wherever it moved; one whose block is gone
    or changed is left out."""
    paragraphs, carried = list(parsed.paragraphs), []
    for correction in corrections:
        hashes = [block_hash(p) for p in paragraphs]
        at = correction.get("block")
        if at not in range(len(hashes)) or hashes[at] != correction.get("hash"):
            at = hashes.index(correction.get("hash")) if correction.get("hash") in hashes else None
        if at is None:
            continue
        moved = correction | {"block": at}
        try:
            paragraphs = _correct(paragraphs, moved)
        except CorrectionRefused:
            continue
        carried.append(moved)
    return carried


def apply_corrections(parsed: ParsedDocument, corrections: list[dict]) -> ParsedDocument:
    """``parsed`` with ``corrections`` replayed in order (each names its block by index and
    text); sections and anchors follow the corrected headings. Refuses one that no longer fits."""
    if not corrections:
        return parsed
    paragraphs = list(parsed.paragraphs)
    for correction in corrections:
        paragraphs = _correct(paragraphs, correction)
    section, sectioned = "", []
    for p in paragraphs:
        if p.kind == Kind.HEADING:
            section = p.section or section
        elif p.kind == Kind.REFERENCES_HEADING:
            section = ""
        elif p.kind in _IN_SECTION or p.kind == Kind.REFERENCE:
            p = replace(p, section="" if p.kind == Kind.REFERENCE else section)
        sectioned.append(p)
    return replace(parsed, paragraphs=assign_anchors(sectioned))


# ---------------------------------------------------------------------------------------
# Anchors


def _words_slug(text: str, words: int = 6) -> str:
    ascii_text = unicodedata.normalize("NFKD", strip_markers(text)).encode("ascii", "ignore").decode()
    return slugify(" ".join(ascii_text.split()[:words]))


def _opening_hash(text: str) -> str:
    opening = " ".join(strip_markers(text).lower().split()[:20])
    return hashlib.sha256(opening.encode()).hexdigest()[:6]


def _anchor_for(p: ParsedParagraph) -> str:
    label_slug = slugify(p.label) or "x"
    if p.kind in (Kind.TITLE, Kind.AUTHORS, Kind.ABSTRACT, Kind.KEYWORDS):
        return p.kind
    if p.kind == Kind.REFERENCES_HEADING:
        return "references"
    if p.kind == Kind.AFFILIATION:
        return f"aff-{label_slug}"
    if p.kind == Kind.FOOTNOTE:
        return f"fn-{label_slug}"
    if p.kind == Kind.NOTE:
        return "fn-star"
    if p.kind == Kind.METADATA:
        return f"meta-{label_slug}"
    if p.kind == Kind.HEADING:
        return "s-" + (p.section.replace(".", "-") if p.section else _words_slug(p.text, 8))
    if p.kind == Kind.REFERENCE:
        prefix = "ref"
    else:
        prefix = p.section.replace(".", "-") if p.section else "front"
    suffix = _opening_hash(p.text)
    words = _words_slug(p.text)[: ANCHOR_MAX - len(prefix) - len(suffix) - 8].strip("-")
    return "-".join(part for part in (prefix, words, suffix) if part)


def assign_anchors(paragraphs: list[ParsedParagraph]) -> list[ParsedParagraph]:
    seen: Counter = Counter()
    out = []
    for p in paragraphs:
        anchor = _anchor_for(p)[:ANCHOR_MAX].strip("-") or "p"
        seen[anchor] += 1
        if seen[anchor] > 1:
            anchor = f"{anchor[: ANCHOR_MAX - 4]}-{seen[anchor]}"
        out.append(replace(p, anchor=anchor))
    return out


# ---------------------------------------------------------------------------------------
# Into the database


def check_slug(slug: str) -> None:
    try:
        validate_slug(slug)
    except ValidationError:
        raise ImportRefused(
            f"“{slug}” is not a valid slug (use letters, numbers, hyphens and underscores)."
        ) from None
    if len(slug) > Document._meta.get_field("slug").max_length:
        raise ImportRefused(f"The slug “{slug}” is too long.")
    if Document.objects.filter(slug=slug).exists():
        raise ImportRefused(f"A document with the slug “{slug}” already exists.")


def build_records(parsed: ParsedDocument, slug: str, source_name: str = "", original=None):
    """Unsaved Document and Paragraph instances (the Paragraphs point at the Document)."""
    document = Document(
        title=parsed.title[:500],
        slug=slug,
        authors=parsed.authors[:500],
        doi=parsed.doi[:200],
        keywords=parsed.keywords[:1000],
        source_name=source_name[:300],
        original=original,
    )
    paragraphs = [
        Paragraph(
            document=document,
            position=position,
            kind=p.kind,
            section=p.section[:20],
            level=p.level,
            label=p.label[:20],
            text=p.text,
            anchor=p.anchor,
            content_hash=p.content_hash,
            page=p.page[:20],
            page_index=p.page_index,
        )
        for position, p in enumerate(parsed.paragraphs)
    ]
    return document, paragraphs


def import_document(
    text: str, slug: str, *, source_name: str = "", fallback_title: str = "Untitled", original=None, corrections=()
):
    """Parse ``text``, apply the preview's ``corrections``, and store it as a new Document
    with its Paragraphs, all or nothing."""
    check_slug(slug)
    parsed = apply_corrections(parse_document(text, fallback_title=fallback_title), list(corrections))
    document, paragraphs = build_records(parsed, slug, source_name, original)
    try:
        with transaction.atomic():
            if original is not None and original.pk is None:
                original.save()
                document.original = original
            document.save()
            for paragraph in paragraphs:
                paragraph.document = document  # now that it has a primary key
            Paragraph.objects.bulk_create(paragraphs)
    except IntegrityError:
        # Someone took the slug between the check and the insert.
        raise ImportRefused(f"A document with the slug “{slug}” already exists.") from None
    return document, parsed
