"""Finding a quoted passage in paragraph text (W3C text quote selector matching).

Paragraph.text keeps *emphasis* as Markdown asterisks and the original line spacing, while
a quote taken from a rendered page (Hypothesis, another reader) has neither. Matching is
therefore done on a normalised copy (no asterisks, runs of whitespace as one space) and
the result is mapped back to offsets into the stored text.
"""

import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
CONTEXT = 32  # characters of prefix/suffix kept when the source gives none


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.replace("*", "")).strip()


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the index in `text` it came from."""
    out, index = [], []
    previous_space = True  # drop leading whitespace
    for i, ch in enumerate(text):
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


@dataclass
class Match:
    start: int  # offsets into the stored paragraph text
    end: int
    score: float


def find_quote(text: str, exact: str, prefix: str = "", suffix: str = "", position_hint: int | None = None):
    """Best match of `exact` in `text` as a Match, or None. Prefix and suffix break ties
    between several occurrences, then closeness to `position_hint` (an offset in `text`)."""
    needle = normalise(exact)
    if not needle:
        return None
    haystack, index = _normalise_with_map(text)
    norm_prefix, norm_suffix = normalise(prefix), normalise(suffix)
    best = None
    at = haystack.find(needle)
    while at != -1:
        start, end = index[at], index[at + len(needle) - 1] + 1
        before, after = haystack[:at].rstrip(), haystack[at + len(needle):].lstrip()
        score = 0.0
        if norm_prefix and before.endswith(norm_prefix.rstrip()[-CONTEXT:]):
            score += 2
        if norm_suffix and after.startswith(norm_suffix.lstrip()[:CONTEXT]):
            score += 2
        if position_hint is not None:
            score += 1 / (1 + abs(start - position_hint))
        if best is None or score > best.score:
            best = Match(start, end, score)
        at = haystack.find(needle, at + 1)
    return best


def context_around(text: str, start: int, end: int) -> tuple[str, str]:
    """Prefix and suffix for a passage, as the W3C selector stores them."""
    return text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]
