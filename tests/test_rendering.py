"""Paragraph text to HTML: escaping first, then emphasis and note markers linked both ways."""

from types import SimpleNamespace

import pytest

from reader.rendering import NoteIndex, ReadingPage, outline, plain_text, render_document, render_text


def para(text, kind="body", anchor="a", label="", section="", level=0, pk=None):
    return SimpleNamespace(text=text, kind=kind, anchor=anchor, label=label, section=section, level=level, page="", pk=pk or anchor)


FOOTNOTES = [
    para("First note.", kind="footnote", anchor="fn-1", label="1"),
    para("Second note.", kind="footnote", anchor="fn-2", label="2"),
    para("CONTACT: someone@example.org", kind="note", anchor="fn-star", label="*"),
    para("Institute of Things", kind="affiliation", anchor="aff-1", label="1"),
    para("School of Stuff", kind="affiliation", anchor="aff-2", label="2"),
]


def render(text, kind="body", anchor="a"):
    return str(render_text(para(text, kind=kind, anchor=anchor), NoteIndex.build(FOOTNOTES)))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('"quoted" & <b>bold</b>', "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"),
        ("*<img src=x onerror=alert(1)>*", "<em>&lt;img src=x onerror=alert(1)&gt;</em>"),
    ],
)
def test_text_is_escaped_before_any_markup_is_added(text, expected):
    assert render(text) == expected


def test_emphasis_becomes_em_and_stray_asterisks_stay():
    assert render("As the *Report to the 20th Congress* says") == "As the <em>Report to the 20th Congress</em> says"
    assert render("2 * 3 * 4 and a* b") == "2 * 3 * 4 and a* b"
    assert render("*a* and *b*") == "<em>a</em> and <em>b</em>"


def test_a_superscript_marker_links_to_its_footnote_with_an_id_to_come_back_to():
    html = render("modernization⁴. More text¹.", anchor="s1-par")
    assert '<a href="#p-fn-1" id="fnref-1-s1-par" class="note-ref" aria-label="note 1">1</a>' in html
    # No footnote 4 in this document: the marker stays, unlinked.
    assert '<sup class="marker">4</sup>' in html


def test_a_second_citation_in_one_paragraph_gets_its_own_id():
    html = render("One¹ and again¹.", anchor="p")
    assert 'id="fnref-1-p"' in html and 'id="fnref-1-p-2"' in html


def test_the_authors_line_links_to_affiliations_and_the_contact_note():
    html = render("Huang Qunhui¹, Li Fangfang^{2*}", kind="authors", anchor="authors")
    assert 'href="#p-aff-1"' in html
    assert '<a href="#p-aff-2" id="fnref-2-authors" class="note-ref" aria-label="affiliation 2">2</a>' in html
    assert 'href="#p-fn-star" id="fnref-star-authors"' in html
    assert "^{" not in html
    assert "fn-1" not in html  # in the authors line, 1 is an affiliation, not footnote 1


def test_markers_inside_emphasis_survive():
    assert render("*Title²*").startswith("<em>Title<sup")


def test_text_cannot_forge_a_marker_placeholder():
    html = render("\ue0000\ue001 plain¹")
    assert html.count("<sup") == 1
    assert "\ue000" not in html and "\ue001" not in html


def test_render_document_records_the_first_citation_of_each_note():
    paragraphs = [
        para("Lead²", anchor="one"),
        para("Later¹ and² again", anchor="two"),
        *FOOTNOTES,
    ]
    html, first = render_document(paragraphs)
    assert first["fn-2"] == "fnref-2-one"
    assert first["fn-1"] == "fnref-1-two"
    assert "fn-star" not in first  # nobody cites the contact note here
    assert 'id="fnref-2-two"' in str(html["two"])


def test_front_matter_lead_ins_are_marked_and_kept():
    html = render("Abstract: *The concepts*", kind="abstract")
    assert html.startswith('<span class="lead-in">Abstract<span class="lead-in-colon">:</span></span> <em>')
    assert render("Abstract: x", kind="body") == "Abstract: x"


def test_plain_text_drops_markup():
    assert plain_text("The *Report*¹ by Li^{2*}") == "The Report by Li"


def test_outline_nests_headings_by_level_and_ends_with_the_references():
    paragraphs = [
        para("Title", kind="title", anchor="title"),
        para("1. Introduction", kind="heading", anchor="s-1", section="1", level=1),
        para("1.1 Background", kind="heading", anchor="s-1-1", section="1.1", level=2),
        para("1.1.1 Detail", kind="heading", anchor="s-1-1-1", section="1.1.1", level=3),
        para("1.2 *Method*", kind="heading", anchor="s-1-2", section="1.2", level=2),
        para("2. Results", kind="heading", anchor="s-2", section="2", level=1),
        para("References:", kind="references_heading", anchor="references"),
    ]
    tree = outline(paragraphs)
    assert [(e.number, e.title) for e in tree] == [("1", "Introduction"), ("2", "Results"), ("", "References")]
    assert [(e.number, e.title) for e in tree[0].children] == [("1.1", "Background"), ("1.2", "Method")]
    assert [e.number for e in tree[0].children[0].children] == ["1.1.1"]


def test_reading_page_sets_front_matter_apart_and_links_notes_back():
    paragraphs = [
        para("A Paper", kind="title", anchor="title"),
        para("Ann Author^{1*}", kind="authors", anchor="authors"),
        para("1. Start", kind="heading", anchor="s-1", section="1", level=1),
        para("Text².", anchor="body-1", section="1"),
        *FOOTNOTES,
    ]
    page = ReadingPage.build(paragraphs)
    assert [p.kind for p in page.front_matter] == ["title", "authors", "note", "affiliation", "affiliation"]
    assert [p.anchor for p in page.body] == ["s-1", "body-1", "fn-1", "fn-2"]
    by_anchor = {p.anchor: p for p in paragraphs}
    assert by_anchor["fn-2"].backlink == "fnref-2-body-1"
    assert by_anchor["fn-1"].backlink == ""
    assert by_anchor["fn-star"].backlink == "fnref-star-authors"
    assert by_anchor["s-1"].heading_level == 2
    assert str(by_anchor["s-1"].html) == '<span class="section-number">1.</span> Start'


def test_a_doi_in_the_metadata_links_to_its_resolver():
    html = str(render_text(para("DOI: 10.19602/j.chinaeconomist.2024.07.01", kind="metadata", label="DOI")))
    assert html.endswith('<a href="https://doi.org/10.19602/j.chinaeconomist.2024.07.01" rel="noopener">'
                         '10.19602/j.chinaeconomist.2024.07.01</a>')
