"""Finding a quoted passage in a paragraph's text: the one quote matcher.

Everything that looks for a quote asks this module: a new version placing notes
(reader/versioning.py) and suggesting where an orphan goes or attaching it (versions/orphans.py),
imports of W3C and Hypothesis annotations (annotations/importing.py), and a quote typed or
pasted into the note form or sent to the API (annotations/anchoring.py, which both use).

Text is compared **folded**: curly and straight quotes, the dashes and the minus sign, and
non-breaking spaces count as the same character, runs of whitespace as one space, and the
asterisks that Paragraph.text keeps for *emphasis* are skipped, since a quote copied from a
rendered page (Hypothesis, a browser) has none of them. A match is mapped back to offsets
into the stored text. Between several occurrences the one whose context agrees best with
the W3C prefix and suffix wins, then the one nearest a position hint.

Failing an exact match, ``locate`` tries a fuzzy one: the old offsets carried through a
character alignment of the old and new paragraph, or the best approximate window. A fuzzy
passage always starts and ends on word boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

SHORT_QUOTE = 20  # characters; shorter quotes lean on their context
CONTEXT_CHARS = 32  # prefix/suffix length stored with a passage
FUZZY_WINDOW_SLACK = 12  # characters each way to adjust a fuzzy window's ends
FUZZY_FLOOR = 60  # rapidfuzz partial ratio below which no window is worth trying
ANCHOR_THRESHOLD = 0.75  # confidence to place a passage (an exact match this sure is taken at once)

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ",
})


@dataclass(frozen=True)
class Selector:
    """A W3C text quote + position selector; an empty quote means the whole paragraph."""

    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Found:
    start: int  # offsets into the stored paragraph text
    end: int
    confidence: float


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index in ``text`` it came from."""
    out, index = [], []
    previous_space = True  # drop leading whitespace
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch == "*":
            continue
        if ch.isspace():
            if previous_space:
                continue
            ch, previous_space = " ", True
        else:
            previous_space = False
        out.append(ch)
        index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def fold(text: str) -> str:
    return _folded_with_map(text)[0]


def similarity(a: str, b: str) -> float:
    return Indel.normalized_similarity(fold(a), fold(b))


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    # An empty prefix (suffix) means the passage started (ended) its paragraph.
    before = similarity(prefix, text[max(0, start - len(prefix)) : start]) if prefix else (1.0 if start == 0 else 0.5)
    after = similarity(suffix, text[end : end + len(suffix)]) if suffix else (1.0 if end == len(text) else 0.5)
    return (before + after) / 2


def confidence(selector: Selector, text: str, start: int, end: int) -> float:
    """How alike the quote is to ``text[start:end]`` (80 %) and its context to the prefix and
    suffix (20 %; 50 % for short quotes, which are ambiguous on their own)."""
    context_weight = 0.5 if len(selector.quote) < SHORT_QUOTE else 0.2
    quote_score = similarity(selector.quote, text[start:end])
    return (1 - context_weight) * quote_score + context_weight * _context_score(
        text, start, end, selector.prefix, selector.suffix
    )


def find_exact(selector: Selector, text: str, hint: int | None = None) -> Found | None:
    """The occurrence of the (folded) quote whose context agrees best, nearest ``hint`` on a tie."""
    haystack, index = _folded_with_map(text)
    needle = fold(selector.quote)
    if not needle:
        return None
    best = None
    at = haystack.find(needle)
    while at != -1:
        start, end = index[at], index[at + len(needle) - 1] + 1
        score = confidence(selector, text, start, end)
        distance = abs(start - hint) if hint is not None else 0
        key = (round(score, 6), -distance)
        if best is None or key > best[0]:
            best = (key, Found(start, end, score))
        at = haystack.find(needle, at + 1)
    return best[1] if best else None


def find_quote(text: str, quote: str, prefix: str = "", suffix: str = "", hint: int | None = None) -> Found | None:
    """``find_exact`` for callers that hold the selector's parts."""
    return find_exact(Selector(quote, prefix, suffix), text, hint)


def count(text: str, quote: str) -> int:
    """How often the folded quote occurs in the folded text."""
    needle = fold(quote)
    return fold(text).count(needle) if needle else 0


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole words: a guessed passage never starts or ends mid-word."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fuzzy_window(selector: Selector, text: str) -> Found | None:
    """The best approximate window for the quote, its ends nudged to fit the quote best."""
    quote = selector.quote
    alignment = fuzz.partial_ratio_alignment(quote, text)
    if alignment is None or alignment.score < FUZZY_FLOOR:
        return None
    best_start, best_end, best_score = alignment.dest_start, alignment.dest_end, -1.0
    for start in range(max(0, alignment.dest_start - FUZZY_WINDOW_SLACK), alignment.dest_start + FUZZY_WINDOW_SLACK + 1):
        for end in range(
            max(start + 1, alignment.dest_end - FUZZY_WINDOW_SLACK), min(len(text), alignment.dest_end + FUZZY_WINDOW_SLACK) + 1
        ):
            score = Indel.normalized_similarity(quote, text[start:end])
            if score > best_score:
                best_start, best_end, best_score = start, end, score
    start, end = snap_to_words(text, *_trim(text, best_start, best_end))
    if start >= end:
        return None
    return Found(start, end, confidence(selector, text, start, end))


def _map_offset(opcodes, position: int, *, is_end: bool) -> int:
    """Carry a character offset of the old text through an alignment to the new text.

    Text inserted right at a passage's edge stays outside it; inside, it is included."""
    for op in opcodes:
        if op.tag == "insert":
            continue
        inside = op.src_start < position <= op.src_end if is_end else op.src_start <= position < op.src_end
        if inside:
            if op.tag == "equal":
                return op.dest_start + (position - op.src_start)
            return op.dest_end if is_end else op.dest_start
    return opcodes.dest_len if position >= opcodes.src_len else 0


def aligned(selector: Selector, old_text: str, text: str) -> Found | None:
    """The old offsets carried through a character alignment of the old and new paragraph."""
    if selector.start is None or selector.end is None or old_text[selector.start : selector.end] != selector.quote:
        return None
    opcodes = Levenshtein.opcodes(old_text, text)
    start = _map_offset(opcodes, selector.start, is_end=False)
    end = _map_offset(opcodes, selector.end, is_end=True)
    start, end = snap_to_words(text, *_trim(text, start, end))
    if start >= end:
        return None
    return Found(start, end, confidence(selector, text, start, end))


def locate(selector: Selector, text: str, old_text: str | None = None) -> Found | None:
    """Where the selector's passage is in ``text``: exact if it can be, else the best fuzzy guess."""
    carried = aligned(selector, old_text, text) if old_text is not None else None
    exact = find_exact(selector, text, carried.start if carried is not None else None)
    if exact is not None and exact.confidence >= ANCHOR_THRESHOLD:
        return exact
    candidates = [found for found in (exact, carried, fuzzy_window(selector, text)) if found is not None]
    return max(candidates, key=lambda found: found.confidence, default=None)


def context_around(text: str, start: int, end: int) -> tuple[str, str]:
    """Prefix and suffix for a passage, as the W3C selector stores them."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def selector_at(text: str, start: int, end: int) -> Selector:
    prefix, suffix = context_around(text, start, end)
    return Selector(quote=text[start:end], prefix=prefix, suffix=suffix, start=start, end=end)
