"""Passages between the text the page shows and Paragraph.text (emphasis, note markers,
escaped characters), both ways, and highlights that never break the paragraph's markup."""

from types import SimpleNamespace

import pytest

from annotations.anchoring import PassageError, ReadingText, highlight
from reader.rendering import render_text


def paragraph(text, kind="body"):
    return SimpleNamespace(text=text, kind=kind, label="", anchor="p")


@pytest.mark.parametrize("text, shown", [
    ("Plain words.", "Plain words."),
    ("The *Report* says", "The Report says"),
    ("Growth¹² and trade³.", "Growth12 and trade3."),
    ("Li Fangfang^{2*} and Huang^{1}", "Li Fangfang2,* and Huang1"),
    ("R&D <costs> \"rise\"", "R&D <costs> \"rise\""),
    ("A literal * star and *emphasis*", "A literal * star and emphasis"),
])
def test_the_shown_text_is_what_the_browser_shows(text, shown):
    assert ReadingText.of(paragraph(text)).shown == shown


@pytest.mark.parametrize("text, words, stored", [
    ("The *Report to the Congress* of the Party", "Congress of the", "Congress* of the"),
    ("The *Report to the Congress* of the Party", "Report", "Report"),
    ("Growth¹² and trade", "Growth12 and", "Growth¹² and"),
    ("R&D <costs> rise", "<costs>", "<costs>"),
    ("Li Fangfang^{2*} and Huang", "Fangfang2,* and", "Fangfang^{2*} and"),
])
def test_a_selection_in_the_shown_text_maps_to_the_stored_text(text, words, stored):
    rt = ReadingText.of(paragraph(text))
    start = rt.shown.index(words)
    passage = rt.passage(words, start, start + len(words))
    assert passage.quote == stored == text[passage.start : passage.end]
    # ... and back again, for the highlight.
    assert rt.shown_quote(passage.start, passage.end) == words


def test_prefix_and_suffix_come_from_the_stored_text():
    text = "x" * 50 + " the *chosen* words " + "y" * 50
    rt = ReadingText.of(paragraph(text))
    start = rt.shown.index("chosen")
    p = rt.passage("chosen", start, start + 6)
    assert p.prefix == ("x" * 50 + " the *")[-32:] and p.suffix == ("* words " + "y" * 50)[:32]


@pytest.mark.parametrize("quote, start, end, message", [
    ("words", 100, 105, "outside this paragraph"),
    ("words", -1, 3, "outside this paragraph"),
    ("words", 3, 3, "outside this paragraph"),
    ("wrong", 0, 5, "does not match"),
    ("not in it", None, None, "does not contain"),
    ("", None, None, "No passage"),
])
def test_bad_passages_are_refused_with_a_reason(quote, start, end, message):
    rt = ReadingText.of(paragraph("Some words here."))
    with pytest.raises(PassageError, match=message):
        rt.passage(quote, start, end)


def test_a_pasted_quote_with_different_spacing_is_still_found():
    rt = ReadingText.of(paragraph("Some words  here."))
    p = rt.passage("words here")
    assert p.quote == "words  here"


def test_highlights_split_at_tags_and_list_overlapping_annotations():
    p = paragraph("As noted in the *Report to the Congress* of the Party & more")
    html = str(render_text(p))
    rt = ReadingText.of(p, html)
    out = highlight(html, rt, [(12, 26, 1), (17, 50, 2)])
    assert '<mark class="hl" data-annotations="a-1">the </mark>' in out
    assert '<em><mark class="hl hl-overlap" data-annotations="a-1 a-2">Report to</mark>' in out
    assert '<mark class="hl" data-annotations="a-2"> the Congress</mark></em>' in out
    # The text is unchanged: only marks were added, and entities stayed whole.
    assert ReadingText.of(p, out).shown == rt.shown
    assert "&amp;" in out


def test_a_passage_made_only_of_hidden_characters_shows_no_highlight():
    p = paragraph("a *b* c")
    html = str(render_text(p))
    assert highlight(html, ReadingText.of(p, html), [(2, 3, 1)]) == html
