"""What changed between two versions of a document, and where a passage went.

Pure functions over paragraph texts (anything with a ``.text``: Paragraph rows or the
importer's ParsedParagraph), so the part that needs thought is tested without a database.
versions/moving.py applies the result to the database in one transaction.

Matching paragraphs, old version to new
---------------------------------------
1. **unchanged**: the same text, in the same order relative to the other unchanged
   paragraphs; **moved**: the same text somewhere else (the fewest paragraphs that explain
   the new order: of two swapped paragraphs, one moved past the other);
2. **split**: an old paragraph whose text now makes up two or more new paragraphs (each
   new part is mostly words of the old one, and together they cover most of it);
3. **merged**: two or more old paragraphs that now make up one new paragraph;
4. **edited**: the remaining pairs, most similar first, when their word sequences are at
   least ``EDIT_THRESHOLD`` alike (a fixed typo, an inserted sentence, a reworded clause);
5. **deleted**: old paragraphs left over; new paragraphs left over were **added**.

Similarity is measured on word sequences (longest common subsequence, rapidfuzz), which is
fast and insensitive to where a paragraph sits in the document.

Placing an annotation in the new version
----------------------------------------
An annotation on an unchanged paragraph is **kept** exactly (same offsets). Otherwise it is
**re-anchored** when it can be placed with confidence at least ``ANCHOR_THRESHOLD``, else
it is **orphaned**. A whole-paragraph note follows its paragraph (to the first part of a
split). A passage is looked for with the one quote matcher (reader/anchoring.py: its exact
quote, prefix and suffix, else a fuzzy match, with a confidence), first in the paragraphs its
paragraph went to, then in the rest of the new version (a sentence moved elsewhere). Outside
the paragraphs its own paragraph went to, a passage needs ``ELSEWHERE_THRESHOLD`` or a long
quote found exactly once: a common phrase found in an unrelated paragraph must not capture a note.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz.distance import LCSseq

from reader.anchoring import (
    ANCHOR_THRESHOLD, SHORT_QUOTE, Found, Selector, count, find_exact, fuzzy_window, locate, selector_at,
)

EDIT_THRESHOLD = 0.5  # word-sequence similarity for two paragraphs to be "the same, edited"
PART_COVERAGE = 0.8  # share of a split part's (or merged piece's) words that come from the other side
WHOLE_COVERAGE = 0.6  # share of the whole that the parts of a split or merge must account for
ELSEWHERE_THRESHOLD = 0.9  # … and anywhere else in the new version
UNIQUE_QUOTE = 40  # characters; an exact quote this long, once in the new version, is where it moved


class Change(StrEnum):
    UNCHANGED = "unchanged"
    MOVED = "moved"
    EDITED = "edited"
    SPLIT = "split"
    MERGED = "merged"
    DELETED = "deleted"
    ADDED = "added"


class Outcome(StrEnum):
    KEPT = "kept"
    REANCHORED = "reanchored"
    ORPHANED = "orphaned"


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# ---------------------------------------------------------------------------------------
# Paragraphs


@dataclass(frozen=True)
class ParagraphMatch:
    """Where one old paragraph went: ``new`` holds new-paragraph indexes, in reading order."""

    old: int
    change: Change
    new: tuple[int, ...] = ()
    similarity: float = 0.0

    @property
    def target(self) -> int | None:
        """The new paragraph a permalink or a whole-paragraph note goes to."""
        return self.new[0] if self.new else None


@dataclass
class Matching:
    old: list[ParagraphMatch]  # one per old paragraph, in old order
    added: list[int] = field(default_factory=list)  # new paragraphs no old paragraph went to

    def counts(self) -> dict[str, int]:
        counts = {change.value: 0 for change in Change}
        for match in self.old:
            counts[match.change.value] += 1
        counts[Change.ADDED.value] = len(self.added)
        return counts


def match_paragraphs(old_texts: list[str], new_texts: list[str]) -> Matching:
    result: dict[int, ParagraphMatch] = {}
    taken_new: set[int] = set()

    # 1. Unchanged: identical text, paired in reading order when a text occurs twice.
    by_text: dict[str, deque[int]] = defaultdict(deque)
    for j, text in enumerate(new_texts):
        by_text[text].append(j)
    for i, text in enumerate(old_texts):
        if by_text[text]:
            j = by_text[text].popleft()
            result[i] = ParagraphMatch(i, Change.UNCHANGED, (j,), 1.0)
            taken_new.add(j)
    in_order = _longest_increasing([result[i].target for i in sorted(result)])
    for i in sorted(result):
        if result[i].target not in in_order:
            result[i] = ParagraphMatch(i, Change.MOVED, result[i].new, 1.0)

    old_left = [i for i in range(len(old_texts)) if i not in result]
    new_left = [j for j in range(len(new_texts)) if j not in taken_new]
    old_words = {i: words(old_texts[i]) for i in old_left}
    new_words = {j: words(new_texts[j]) for j in new_left}

    # Words in common (LCS length) for every pair that shares any word at all.
    common: dict[tuple[int, int], int] = {}
    new_sets = {j: set(w) for j, w in new_words.items()}
    for i in old_left:
        old_set = set(old_words[i])
        for j in new_left:
            if old_set & new_sets[j]:
                common[i, j] = LCSseq.similarity(old_words[i], new_words[j])

    def share(m: int, n: int) -> float:
        return m / n if n else 0.0

    # 2. Split: new parts made mostly of one old paragraph's words, covering most of it.
    for i in old_left:
        parts = [
            j
            for j in new_left
            if j not in taken_new and share(common.get((i, j), 0), len(new_words[j])) >= PART_COVERAGE
        ]
        covered = sum(common[i, j] for j in parts)
        if len(parts) >= 2 and share(covered, len(old_words[i])) >= WHOLE_COVERAGE:
            result[i] = ParagraphMatch(i, Change.SPLIT, tuple(parts), share(covered, len(old_words[i])))
            taken_new.update(parts)

    # 3. Merged: old pieces made mostly of one new paragraph's words, covering most of it.
    for j in new_left:
        if j in taken_new:
            continue
        pieces = [
            i
            for i in old_left
            if i not in result and share(common.get((i, j), 0), len(old_words[i])) >= PART_COVERAGE
        ]
        covered = sum(common[i, j] for i in pieces)
        if len(pieces) >= 2 and share(covered, len(new_words[j])) >= WHOLE_COVERAGE:
            for i in pieces:
                result[i] = ParagraphMatch(i, Change.MERGED, (j,), share(common[i, j], len(old_words[i])))
            taken_new.add(j)

    # 4. Edited: the most alike pairs first, one to one.
    scored = sorted(
        (
            (2 * m / (len(old_words[i]) + len(new_words[j])), i, j)
            for (i, j), m in common.items()
            if i not in result and j not in taken_new
        ),
        reverse=True,
    )
    for similarity, i, j in scored:
        if similarity < EDIT_THRESHOLD:
            break
        if i in result or j in taken_new:
            continue
        result[i] = ParagraphMatch(i, Change.EDITED, (j,), similarity)
        taken_new.add(j)

    # 5. Deleted and added: what is left.
    for i in old_left:
        result.setdefault(i, ParagraphMatch(i, Change.DELETED))
    added = [j for j in range(len(new_texts)) if j not in taken_new]
    return Matching([result[i] for i in range(len(old_texts))], added)


def _longest_increasing(values: list[int]) -> set[int]:
    """The values of one longest increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []  # index into values of the smallest tail of each length
    previous: list[int | None] = [None] * len(values)
    for k, value in enumerate(values):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if values[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        previous[k] = tails[lo - 1] if lo else None
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    out: set[int] = set()
    k = tails[-1] if tails else None
    while k is not None:
        out.add(values[k])
        k = previous[k]
    return out


def carry_anchors(matching: Matching, old_anchors: list[str], new_anchors: list[str]) -> list[str]:
    """The new version's anchors: a paragraph that came from an old one keeps its anchor
    (so ``#p-…`` links survive a typo fix in its first words), the first part of a split and
    a merge's first piece win it; the others keep their own, made unique if one is taken."""
    out: list[str | None] = [None] * len(new_anchors)
    taken: set[str] = set()
    for match in matching.old:
        target, anchor = match.target, old_anchors[match.old]
        if target is not None and out[target] is None and anchor not in taken:
            out[target] = anchor
            taken.add(anchor)
    for j, anchor in enumerate(new_anchors):
        if out[j] is not None:
            continue
        candidate, n = anchor, 1
        while candidate in taken:
            n += 1
            candidate = f"{anchor[:75]}-{n}"
        out[j] = candidate
        taken.add(candidate)
    return out


# ---------------------------------------------------------------------------------------
# Passages


@dataclass(frozen=True)
class Placement:
    outcome: Outcome
    paragraph: int | None = None  # new paragraph index (None for an orphan)
    selector: Selector = Selector()
    confidence: float = 0.0
    reason: str = ""


def _elsewhere(selector: Selector, match: ParagraphMatch, new_texts: list[str]) -> tuple[float, int, Found] | None:
    """The passage in a paragraph its own paragraph did not go to (a sentence moved away).

    Only a near-certain match counts: a long quote that occurs exactly once in the whole new
    version, or a match whose quote and context both agree (``ELSEWHERE_THRESHOLD``)."""
    occurrences = sum(count(text, selector.quote) for text in new_texts)
    best = None
    for j, text in enumerate(new_texts):
        if j in match.new:
            continue
        exact = find_exact(selector, text)
        if exact and occurrences == 1 and len(selector.quote) >= UNIQUE_QUOTE:
            return (exact.confidence, j, exact)
        if len(selector.quote) < SHORT_QUOTE:
            continue  # a short phrase is only trusted where its own paragraph went
        found = exact or fuzzy_window(selector, text)
        if found and found.confidence >= ELSEWHERE_THRESHOLD and (best is None or found.confidence > best[0]):
            best = (found.confidence, j, found)
    return best


def place(selector: Selector, match: ParagraphMatch, old_text: str, new_texts: list[str]) -> Placement:
    """Where an annotation on the old paragraph ``match.old`` goes in the new version."""
    if match.change in (Change.UNCHANGED, Change.MOVED):
        return Placement(Outcome.KEPT, match.target, selector, 1.0, f"paragraph {match.change.value}")

    if not selector.quote:
        if match.target is None:
            return Placement(Outcome.ORPHANED, reason="its paragraph was deleted")
        reason = f"paragraph {match.change.value}" + (", note placed on its first part" if match.change == Change.SPLIT else "")
        return Placement(Outcome.REANCHORED, match.target, selector, match.similarity, reason)

    best: tuple[float, int, Found] | None = None
    for j in match.new:
        found = locate(selector, new_texts[j], old_text)
        if found and found.confidence >= ANCHOR_THRESHOLD and (best is None or found.confidence > best[0]):
            best = (found.confidence, j, found)
    if best is None:
        best = _elsewhere(selector, match, new_texts)
    if best is None:
        reason = "its paragraph was deleted" if match.change == Change.DELETED else "the passage was rewritten"
        return Placement(Outcome.ORPHANED, reason=reason)
    confidence, j, found = best
    return Placement(
        Outcome.REANCHORED, j, selector_at(new_texts[j], found.start, found.end), confidence, f"paragraph {match.change.value}"
    )


# ---------------------------------------------------------------------------------------
# Word-level diff, for the history and orphans pages


@dataclass(frozen=True)
class DiffChunk:
    op: str  # "equal", "insert" or "delete"
    text: str


_TOKEN = re.compile(r"\S+\s*|\s+")


def word_diff(old: str, new: str) -> list[DiffChunk]:
    """Chunks that spell ``old`` when inserts are skipped and ``new`` when deletes are
    (word for word; whitespace inside unchanged runs is the new version's)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    chunks: list[DiffChunk] = []
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(DiffChunk("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            chunks.append(DiffChunk("delete", "".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(DiffChunk("insert", "".join(b[j1:j2])))
    return chunks


def similar_paragraphs(text: str, new_texts: list[str], limit: int = 3) -> list[tuple[int, float]]:
    """The new paragraphs most like ``text`` (index, similarity), best first, for an orphan."""
    source = words(text)
    scored = []
    for j, candidate in enumerate(new_texts):
        other = words(candidate)
        if source and other:
            scored.append((2 * LCSseq.similarity(source, other) / (len(source) + len(other)), j))
    scored.sort(reverse=True)
    return [(j, similarity) for similarity, j in scored[:limit] if similarity > 0]
