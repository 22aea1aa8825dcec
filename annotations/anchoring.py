"""Passages: between what the reader shows and Paragraph.text, both ways.

An annotation's passage is stored against ``Paragraph.text`` (start/end character offsets,
the exact quote and a little context either side: the W3C text position and text quote
selectors). The page does not show that text as it is: ``*emphasis*`` loses its asterisks,
a note marker "¹²" becomes a linked "12", "^{2*}" becomes "2,*". A person selects what the
page shows, so the selection script measures offsets in the *shown* text, and this module
turns them into offsets in the stored text (``ReadingText.to_raw``), and stored passages
back into shown ranges for highlighting (``ReadingText.to_shown``, ``highlight``).

The shown text is taken from reader.rendering's own output (tags stripped, entities decoded),
so it is exactly the paragraph's textContent in the browser, whatever that renderer does.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from html import escape
from html.parser import HTMLParser

from reader.anchoring import CONTEXT_CHARS, find_quote
from reader.rendering import SUPERSCRIPTS, render_text

_ASCII_DIGIT = dict(zip(SUPERSCRIPTS, "0123456789"))


class PassageError(ValueError):
    """A passage that cannot be placed in the paragraph; the message is for the person."""


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def shown_text_of(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


# Stored characters the page may leave out: emphasis asterisks, the caret form's "^{" and "}",
# and the private-use characters the renderer drops.
_HIDDEN = set("*^{}\ue000\ue001")


def _align(raw: str, shown: str) -> list[int]:
    """For each shown character, the index in `raw` it comes from (an inserted character, such
    as the comma between two note labels, takes the index of the next raw character)."""
    raw_at: list[int] = []
    i = 0
    for ch in shown:
        while i < len(raw) and raw[i] in _HIDDEN and raw[i] != ch:
            i += 1
        if i < len(raw) and (raw[i] == ch or _ASCII_DIGIT.get(raw[i]) == ch):
            raw_at.append(i)
            i += 1
        elif ch == ",":
            raw_at.append(i)
        else:
            return _align_by_diff(raw, shown)
    if any(c not in _HIDDEN for c in raw[i:]):
        return _align_by_diff(raw, shown)
    return raw_at


def _align_by_diff(raw: str, shown: str) -> list[int]:
    """The general (slower) alignment, for text the greedy walk could not follow."""
    raw_at = [0] * len(shown)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, raw, shown, autojunk=False).get_opcodes():
        for k, j in enumerate(range(j1, j2)):
            if tag == "equal":
                raw_at[j] = i1 + k
            elif tag == "replace":
                raw_at[j] = min(i1 + k, i2 - 1)
            else:  # insert
                raw_at[j] = i1
    return raw_at


@dataclass(frozen=True)
class Passage:
    """A passage in Paragraph.text terms, ready to store."""

    quote: str
    start: int
    end: int
    prefix: str
    suffix: str


class ReadingText:
    """A paragraph's stored text and the text the page shows for it."""

    def __init__(self, raw: str, shown: str):
        self.raw = raw
        self.shown = shown

    @classmethod
    def of(cls, paragraph, html: str | None = None) -> ReadingText:
        html = str(render_text(paragraph)) if html is None else html
        return cls(paragraph.text, shown_text_of(html))

    @cached_property
    def raw_at(self) -> list[int]:
        return _align(self.raw, self.shown)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Shown [start, end) -> stored [start, end)."""
        return self.raw_at[start], self.raw_at[end - 1] + 1

    def to_shown(self, start: int, end: int) -> tuple[int, int] | None:
        """Stored [start, end) -> shown [start, end), or None when nothing shown falls in it."""
        s = bisect.bisect_left(self.raw_at, start)
        e = bisect.bisect_left(self.raw_at, end)
        return (s, e) if s < e else None

    def shown_quote(self, start: int, end: int) -> str:
        shown = self.to_shown(start, end)
        return self.shown[shown[0] : shown[1]] if shown else ""

    def passage(self, quote: str, start: int | None = None, end: int | None = None,
                prefix: str = "", suffix: str = "") -> Passage:
        """Place a passage the person chose in what the page shows: `quote` with its offsets
        (from a selection), or `quote` alone (typed or pasted: the occurrence that `prefix`
        and `suffix`, the shown text around it, pick out, else the first).
        Raises PassageError with a message for the person."""
        quote = quote.strip()
        if start is not None or end is not None:
            if start is None or end is None or not 0 <= start < end <= len(self.shown):
                raise PassageError("The passage is outside this paragraph. Select it again.")
            if quote and self.shown[start:end].strip() != quote:
                raise PassageError("The passage does not match the paragraph's text. Select it again.")
        elif quote:
            # Pasted from elsewhere: whatever its spaces, quote marks and dashes, the occurrence
            # whose context fits `prefix` and `suffix` best (the first on a tie).
            found = find_quote(self.shown, quote, prefix, suffix, hint=0)
            if found is None:
                raise PassageError("This paragraph does not contain that passage. Copy it exactly from the text.")
            start, end = found.start, found.end
        else:
            raise PassageError("No passage was chosen.")
        raw_start, raw_end = self.to_raw(start, end)
        return Passage(
            quote=self.raw[raw_start:raw_end],
            start=raw_start,
            end=raw_end,
            prefix=self.raw[max(0, raw_start - CONTEXT_CHARS) : raw_start],
            suffix=self.raw[raw_end : raw_end + CONTEXT_CHARS],
        )


# --- Highlights ------------------------------------------------------------------------------

_TOKEN = re.compile(r"(<[^>]*>)|(&[#\w]+;)|([^<&]+|&)")


@lru_cache(maxsize=1024)  # a paragraph's HTML twice over, a few kB: a few MB a process at most
def highlighted(raw: str, html: str, ranges: tuple[tuple[int, int, int], ...]) -> str:
    """highlight(html, ReadingText(raw, the text html shows), ranges), kept: a class's margins
    mark the same passages in the same paragraphs over and over (4 % of a margin batch's CPU).
    Its arguments are all it depends on, so nothing needs invalidating."""
    return highlight(html, ReadingText(raw, shown_text_of(html)), list(ranges))


def highlight(html: str, text: ReadingText, ranges: list[tuple[int, int, int]]) -> str:
    """`html` (the paragraph as rendered) with <mark> around each stored range
    (start, end, annotation id). Marks never cross a tag, so <em> and links stay whole;
    where passages overlap, one mark lists every annotation it belongs to."""
    spans = []
    for start, end, annotation_id in ranges:
        shown = text.to_shown(start, end)
        if shown:
            spans.append((shown[0], shown[1], annotation_id))
    if not spans:
        return html
    bounds = {b for s, e, _ in spans for b in (s, e)}

    def covering(position):
        return [a for s, e, a in spans if s <= position < e]

    out: list[str] = []
    position = 0  # index into the shown text

    def emit(chars: list[str], at: int):
        if not chars:
            return
        ids = covering(at)
        piece = "".join(chars)
        if ids:
            names = " ".join(f"a-{a}" for a in ids)
            depth = " hl-overlap" if len(ids) > 1 else ""
            out.append(f'<mark class="hl{depth}" data-annotations="{escape(names)}">{piece}</mark>')
        else:
            out.append(piece)

    for tag, entity, chunk in _TOKEN.findall(html):
        if tag:
            out.append(tag)
            continue
        units = [entity] if entity else list(chunk)  # an entity is one shown character
        run: list[str] = []
        run_start = position
        for unit in units:
            if position in bounds and run:
                emit(run, run_start)
                run, run_start = [], position
            run.append(unit)
            position += 1
        emit(run, run_start)
    return "".join(out)
