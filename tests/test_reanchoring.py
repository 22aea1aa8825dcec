"""Re-anchoring on realistic edits of the seed paper (pure logic, no database).

The cast: on every body paragraph of the old version, a note on the whole paragraph and a
highlighted passage (its second sentence, or its only one): 27 × 2 = 54 annotations. Each
edit below is what an instructor does to a real text; for each we check how many
annotations were kept exactly, re-anchored and orphaned, and where the re-anchored ones went.
"""

import re
from pathlib import Path

import pytest

from reader.anchoring import Selector
from reader.importing import parse_document
from reader.versioning import (
    Change,
    Outcome,
    match_paragraphs,
    place,
    similar_paragraphs,
    word_diff,
)

SEED = (Path(__file__).resolve().parent.parent / "fixtures" / "new-industrialization.txt").read_text()
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“])")


def edit(text, old, new):
    assert text.count(old) == 1, f"{old[:40]!r} should occur once"
    return text.replace(old, new)


def move_block(text, start_marker, end_marker, before_marker):
    """Move the lines from start_marker up to end_marker so they come before before_marker."""
    start, end = text.index(start_marker), text.index(end_marker)
    block, rest = text[start:end], text[:start] + text[end:]
    at = rest.index(before_marker)
    return rest[:at] + block + rest[at:]


S10 = "This paradigm dictates that the economic foundation shapes the superstructure."
S25 = 'The classic Western industrialization model of "pollute first, clean up later"'
S41 = "In contrast, new industrialization boosts technological transformation and innovation-driven development."
S13_FIRST_END = "Neo-Democratic Revolution"  # paragraph 13's first sentence ends a little after this
S38 = "Domestic circulation aims to improve indigenous innovation"
S55 = "The vitality of new industrialization is reflected in the growing use of digital technology."
S57 = "Participation by all its people is required to achieve Chinese modernization and share the benefits."


def _typos(text):
    # The old version had the typos; the new one is the clean seed.
    text = edit(text, S10, S10.replace("foundation", "foundaton"))
    text = edit(text, S25, S25.replace("classic", "clasic").replace("industrialization", "industrialisation"))
    return edit(text, S41, S41.replace("industrialization", "industrialiation").replace("technological", "techological"))


def _split_after(text, paragraph_start, sentences):
    """Split the paragraph starting with paragraph_start after its first `sentences` sentences."""
    at = text.index(paragraph_start)
    end = text.index("\n\n", at)
    parts = SENTENCE_BREAK.split(text[at:end])
    return text[:at] + " ".join(parts[:sentences]) + "\n\n" + " ".join(parts[sentences:]) + text[end:]


def _move_sentence(text):
    text = edit(text, S55 + " ", "")
    at = text.index("High-quality economic development necessitates")
    end = text.index("\n\n", at)
    return text[:end] + " " + S55 + text[end:]


def _merge(text):
    at = text.index("On the other side, new industrialization has the potential")
    assert text[at - 2 : at] == "\n\n"
    return text[: at - 2] + " " + text[at:]


def _delete_paragraph(text):
    at = text.index("When it comes to human capital, new industrialization")
    end = text.index("\n\n", at)
    return text[:at] + text[end + 2 :]


# name: (old source, new source, expected paragraph changes, expected kept/re-anchored/orphaned)
SCENARIOS = {
    "typo fixes": (_typos(SEED), SEED, {"edited": 3}, (48, 6, 0)),
    "sentence inserted": (
        SEED,
        edit(
            edit(SEED, "as well as to the economic structure.",
                 "as well as to the economic structure. The state relaxed price controls step by step."),
            S38, "Domestic circulation, the main engine of growth, aims to improve indigenous innovation",
        ),
        {"edited": 2},
        (50, 4, 0),
    ),
    "paragraphs split": (
        SEED,
        _split_after(_split_after(SEED, "Through rapid industrialization, China completed", 10),
                     "Agricultural production paved the way", 1),
        {"split": 2, "added": 0},
        (50, 4, 0),
    ),
    "paragraphs merged": (SEED, _merge(SEED), {"merged": 2}, (50, 4, 0)),
    "section reordered": (
        SEED,
        move_block(SEED, "2.3 New Industrialization Is", "2.4 New Industrialization Lays", "2.2 New Industrialization"),
        {"unchanged": 78, "moved": 3},
        (54, 0, 0),
    ),
    "paragraph deleted": (SEED, _delete_paragraph(SEED), {"deleted": 1}, (52, 0, 2)),
    "passage rewritten": (
        SEED, edit(SEED, S57, "Everyone must take part in it, and everyone must gain from it."), {"edited": 1}, (52, 1, 1)
    ),
    "sentence moved": (SEED, _move_sentence(SEED), {"edited": 2}, (50, 4, 0)),
}


def annotations_for(paragraphs):
    """(paragraph index, Selector) for the cast described in the module docstring."""
    cast = []
    for i, p in enumerate(paragraphs):
        if p.kind != "body":
            continue
        sentences = SENTENCE_BREAK.split(p.text)
        sentence = sentences[1] if len(sentences) > 1 else sentences[0]
        start = p.text.index(sentence)
        end = start + len(sentence)
        cast.append((i, Selector()))
        cast.append((i, Selector(sentence, p.text[max(0, start - 32) : start], p.text[end : end + 32], start, end)))
    return cast


def run(old_source, new_source):
    old = parse_document(old_source).paragraphs
    new = parse_document(new_source).paragraphs
    old_texts, new_texts = [p.text for p in old], [p.text for p in new]
    matching = match_paragraphs(old_texts, new_texts)
    placed = [
        (i, selector, place(selector, matching.old[i], old_texts[i], new_texts)) for i, selector in annotations_for(old)
    ]
    return old, new, matching, placed


def tally(placed):
    return tuple(sum(1 for *_, p in placed if p.outcome == outcome) for outcome in Outcome)


@pytest.mark.parametrize("name", SCENARIOS)
def test_reanchoring_scenario(name):
    old_source, new_source, changes, expected = SCENARIOS[name]
    old, new, matching, placed = run(old_source, new_source)
    counts = matching.counts()
    for change, n in changes.items():
        assert counts[change] == n, (name, counts)
    assert len(placed) == 54
    assert tally(placed) == expected, (name, [(i, p.outcome, p.reason) for i, _, p in placed if p.outcome != "kept"])

    for i, selector, placement in placed:
        if placement.outcome == Outcome.ORPHANED:
            assert placement.paragraph is None
            continue
        text = new[placement.paragraph].text
        if selector.quote:
            # The passage's recorded offsets and quote agree with the new text...
            assert text[placement.selector.start : placement.selector.end] == placement.selector.quote
            # ... and it is the same sentence, give or take the edit.
            assert placement.confidence >= 0.75
        if placement.outcome == Outcome.KEPT:
            assert placement.selector == selector and new[placement.paragraph].text == old[i].text


def _placement_of(placed, quote_start):
    return next(p for _, s, p in placed if s.quote.startswith(quote_start))


def test_typo_fix_moves_the_passage_onto_the_corrected_words():
    _, new, _, placed = run(*SCENARIOS["typo fixes"][:2])
    assert _placement_of(placed, "This paradigm").selector.quote == S10
    assert _placement_of(placed, "In contrast").selector.quote == S41


def test_inserted_text_shifts_offsets_and_is_taken_inside_the_passage():
    old, new, _, placed = run(*SCENARIOS["sentence inserted"][:2])
    moved = _placement_of(placed, "Priority was given")
    assert moved.selector.quote.startswith("Priority was given") and moved.selector.quote.endswith("heavy industry.")
    old_start = next(s.start for _, s, _ in placed if s.quote.startswith("Priority was given"))
    assert moved.selector.start == old_start + len(" The state relaxed price controls step by step.")
    widened = _placement_of(placed, "Domestic circulation")
    assert widened.selector.quote.startswith("Domestic circulation, the main engine of growth, aims")


def test_split_sends_the_passage_to_the_part_that_holds_it():
    old, new, matching, placed = run(*SCENARIOS["paragraphs split"][:2])
    passage = _placement_of(placed, "However, China’s industrial progress")
    assert new[passage.paragraph].text.startswith("However, China’s industrial progress")
    split = next(m for m in matching.old if m.change == Change.SPLIT and old[m.old].text.startswith("Agricultural"))
    note = next(p for i, s, p in placed if i == split.old and not s.quote)
    assert note.paragraph == split.new[0]


def test_moved_sentence_is_found_in_its_new_paragraph():
    _, new, _, placed = run(*SCENARIOS["sentence moved"][:2])
    passage = _placement_of(placed, "The vitality of new industrialization")
    assert passage.selector.quote == S55
    assert new[passage.paragraph].text.startswith("High-quality economic development")


def test_rewritten_passage_is_an_orphan_and_its_paragraph_note_is_not():
    _, new, _, placed = run(*SCENARIOS["passage rewritten"][:2])
    assert _placement_of(placed, "Participation by all").outcome == Outcome.ORPHANED
    assert _placement_of(placed, "Participation by all").reason == "the passage was rewritten"


def test_short_common_phrase_does_not_capture_an_orphan_elsewhere():
    old_texts = ["The state of the art is changing fast."]
    new_texts = [
        "Something else entirely, about harbours and tides and ledgers.",
        "In the state of nature, the art of war is the art of survival for every tribe and nation alike.",
    ]
    matching = match_paragraphs(old_texts, new_texts)
    assert matching.old[0].change == Change.DELETED
    placement = place(Selector("the art", "The state of ", " is changing fast.", 13, 20), matching.old[0], old_texts[0], new_texts)
    assert placement.outcome == Outcome.ORPHANED


def test_word_diff_spells_both_versions():
    old = "China's coastal regions have emerged as the principal engine."
    new = "China's coastal provinces have emerged as the main engine of growth."
    chunks = word_diff(old, new)
    assert "".join(c.text for c in chunks if c.op != "insert").split() == old.split()
    assert "".join(c.text for c in chunks if c.op != "delete").split() == new.split()
    assert [c.text.strip() for c in chunks if c.op == "delete"] == ["regions", "principal engine."]
    assert [c.text.strip() for c in chunks if c.op == "insert"] == ["provinces", "main engine of growth."]


def test_similar_paragraphs_ranks_the_edited_paragraph_first():
    new_texts = ["Nothing alike here.", "The economic foundation shapes the superstructure, it says.", "Economic growth."]
    ranked = similar_paragraphs("This paradigm says the economic foundation shapes the superstructure.", new_texts)
    assert ranked[0][0] == 1

