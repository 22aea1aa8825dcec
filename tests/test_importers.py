"""Every format becomes the same faithful paragraph records: each test typesets a paper it
writes (tests/importer_support.py) and checks every word kept, in order, once; nothing
extra (no running header, no page number); every heading, footnote and reference found;
every paragraph whole; and what a file that cannot become a paper is told."""

import difflib
import io
import os
import re
import zipfile

import pypdfium2
import pytest
from fpdf import FPDF
from PIL import Image  # fpdf2's own dependency: the page image of a "scan"

from reader.importers import ocr, read_source
from reader.importers.text import decode_source
from reader.importing import ImportRefused, parse_document
from tests.importer_support import (
    ABSTRACT,
    AUTHORS,
    KEYWORDS,
    SHORT,
    TABLE_CAPTION,
    TABLE_ROWS,
    TITLE,
    journal_pdf,
    short_docx,
    short_epub,
    short_html,
    short_words,
    source_words,
)

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def as_imported(text):
    """A source paragraph as its record should read: "{1}" markers as superscripts."""
    return re.sub(r"\{(\d+)\}", lambda m: m[1].translate(SUPERSCRIPTS), text)


def expected_stream(content, table=True):
    """The paper's words in reading order, footnotes aside."""
    sections, _, references = content
    parts = [TITLE, AUTHORS, ABSTRACT, KEYWORDS]
    for n, section in enumerate(sections):
        parts.append(section.heading)
        for p, text in enumerate(section.paragraphs):
            parts.append(text)
            if table and n == 1 and p == 1:
                parts += [TABLE_CAPTION, " ".join(" ".join(row) for row in TABLE_ROWS)]
    parts += ["References", *references]
    return source_words(" ".join(parts))


def check_faithful(parsed, content):
    sections, notes, references = content
    records = parsed.paragraphs
    stream = [p for p in records if p.kind != "footnote"]
    assert source_words(" ".join(p.text for p in stream)) == expected_stream(content)
    # Footnotes: each found once, whole, with its number; its marker left in the text.
    footnotes = {p.label: p.text for p in records if p.kind == "footnote"}
    assert footnotes == {str(n): text for n, text in notes.items()}
    for n in notes:
        assert sum(p.text.count(str(n).translate(SUPERSCRIPTS)) for p in stream) == 1
    # Every paragraph whole: each source paragraph is one record, word for word.
    texts = [p.text for p in records]
    for section in sections:
        assert section.heading in texts
        for paragraph in section.paragraphs:
            assert as_imported(paragraph) in texts
    assert [p.text for p in records if p.kind == "reference"] == references
    kinds = {p.kind: p.text for p in records}
    assert kinds["title"] == TITLE and kinds["authors"] == AUTHORS
    assert kinds["abstract"] == ABSTRACT and kinds["keywords"] == KEYWORDS


@pytest.fixture(scope="module")
def two_columns():
    data, content, cuts = journal_pdf()
    return content, cuts, parse_document(read_source(data, "paper.pdf").text)


def test_a_two_column_journal_pdf_keeps_every_word_once_in_order(two_columns):
    content, _, parsed = two_columns
    check_faithful(parsed, content)
    text = " ".join(p.text for p in parsed.paragraphs)
    # No running header, no page number, ligatures as letters, hyphens: line-end ones gone, real ones kept.
    assert "Vol. 12" not in text and "117" not in text.replace("1800", "")
    assert "ﬁ" not in text and "fishing" in text
    assert "industrialisation" in text and "industrial-" not in text
    assert "market-oriented" in text


def test_pdf_headings_tables_captions_and_pages(two_columns):
    _, _, parsed = two_columns
    records = parsed.paragraphs
    headings = [(p.section, p.level) for p in records if p.kind == "heading"]
    assert headings == [("1", 1), ("2", 1), ("2.1", 2), ("3", 1)]
    tables = [p for p in records if p.kind == "table"]
    assert len(tables) == 1 and tables[0].text.splitlines()[1] == "| Spring | 112 | 58 |"
    assert [p.text for p in records if p.kind == "caption"] == [TABLE_CAPTION]
    # Pages as printed (the PDF's first page is "117"), and a paragraph across a page break says both.
    assert records[0].page == "117" and records[-1].page == "118"
    assert any(p.page == "117–118" for p in records if p.kind == "body")
    # And which page of the file each starts on (for a page selector), the first page's across a break.
    assert records[0].page_index == 1 and records[-1].page_index == 2
    assert {p.page_index for p in records if p.page == "117–118"} == {1}
    assert {p.page_index for p in records if p.page == "118"} == {2}


def test_paragraphs_cut_by_column_and_page_breaks_are_whole(two_columns):
    _, cuts, parsed = two_columns
    assert {where for where, _ in cuts} == {"column", "page"}
    texts = [p.text for p in parsed.paragraphs]
    for _, paragraph in cuts:
        assert as_imported(paragraph) in texts


def test_a_single_column_pdf():
    data, content, _ = journal_pdf(columns=1, sections=3)
    check_faithful(parse_document(read_source(data, "paper.pdf").text), content)


def _pdf(draw):
    pdf = FPDF()
    pdf.add_page()
    draw(pdf)
    return bytes(pdf.output())


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: _pdf(lambda p: p.image(_png(), 10, 10, 100)), "has no text layer"),
        (lambda: journal_pdf(sections=1)[0][:3000], "is not a readable PDF"),
        (lambda: _encrypted(), "is protected by a password"),
        (lambda: _zip({"word/document.xml": b"\0" * (300 * 1024 * 1024 // 10)}, compress=True), "zip bomb"),
        (lambda: _zip({"notes.txt": b"hello"}), "neither a Word (.docx) file nor an EPUB"),
        (lambda: _zip({"word/document.xml": b"<not xml"}), "is a damaged Word file"),
        (lambda: _zip({"META-INF/container.xml": b"<<<"}), "is a damaged EPUB"),
        (lambda: short_epub()[:3000], "is a damaged zip file"),
        (lambda: b"PK\x03\x04garbage", "is a damaged zip file"),
        (lambda: b"\x89PNG\r\n\x1a\n\x00\x00", "looks like a binary file, not text: a PNG image"),
        (lambda: b"A paper.\n\n" + b"x" * 9000 + b"\x00 and more", "looks like a binary file, not text"),
    ],
)
def test_files_that_cannot_become_a_paper_are_refused_by_name(make, message):
    with pytest.raises(ImportRefused) as refusal:
        read_source(make(), "“paper”")
    assert str(refusal.value).startswith("“paper” ") and message in str(refusal.value)


def _png():
    image = Image.new("RGB", (200, 100), "white")
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return out


def _encrypted():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Secret paper.")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    return bytes(pdf.output())


def _zip(members, compress=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_plain_text_reads_as_before_and_markdown_footnotes_become_notes():
    assert decode_source(b"One.\n\nTwo.\n") == "One.\n\nTwo.\n"
    text = decode_source(
        b"# A title\n\n## Method\n\nWe count boats[^boats] and tides[^2].\n\n"
        b"[^boats]: Every boat, in and out.\n[^2]: At the harbour mouth.\n"
    )
    records = parse_document(text).paragraphs
    assert [(p.kind, p.label, p.text) for p in records] == [
        ("title", "", "A title"),
        ("heading", "", "## Method"[3:]),
        ("body", "", "We count boats¹ and tides²."),
        ("footnote", "1", "Every boat, in and out."),
        ("footnote", "2", "At the harbour mouth."),
    ]


@pytest.mark.parametrize("make", [short_docx, short_html, short_epub], ids=["docx", "html", "epub"])
def test_word_epub_and_html_become_the_same_records(make):
    records = parse_document(read_source(make(), "paper").text).paragraphs
    stream = [p for p in records if p.kind != "footnote"]
    # Every word in order once: no site navigation, header, footer, script or link back.
    assert source_words(" ".join(p.text for p in stream)) == short_words()
    assert records[0].kind == "title" and records[0].text == SHORT["title"]
    assert [(p.section, p.level) for p in records if p.kind == "heading"] == [("1", 1), ("2", 1)]
    assert [p.text for p in records if p.kind == "list_item"] == SHORT["items"]
    assert [p.text for p in records if p.kind == "reference"] == SHORT["references"]
    assert {p.label: p.text for p in records if p.kind == "footnote"} == {str(n): t for n, t in SHORT["notes"].items()}
    # Emphasis kept as the text contract writes it; markers where the notes are cited.
    assert "The harbour kept its own *calendar*, set by the water.¹ Boats came in on the flood." in [p.text for p in records]
    assert "Each entry names the boat, the tide and the catch.²" in [p.text for p in records]


def test_a_saved_page_in_its_own_charset_reads_right():
    page = '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Café au lait, naïve.</p></body></html>'
    records = parse_document(read_source(page.encode("latin-1"), "page.html").text).paragraphs
    assert [p.text for p in records] == ["Café au lait, naïve."]


def scanned(data: bytes, dpi=200) -> bytes:
    """The PDF as a scanner would make it: each page an image, no text layer."""
    document = pypdfium2.PdfDocument(data)
    pdf = FPDF(unit="pt", format="A4")
    for page in document:
        image = page.render(scale=dpi / 72).to_pil()
        pdf.add_page()
        pdf.image(image, 0, 0, w=pdf.w, h=pdf.h)
    document.close()
    return bytes(pdf.output())


@pytest.mark.skipif(
    not ocr.available() and os.environ.get("CI") != "true", reason="tesseract is not installed (.ci/run installs it)"
)
def test_a_scanned_pdf_is_recognised_and_says_so():
    data, content, _ = journal_pdf(sections=3, columns=1)
    source = read_source(scanned(data), "scan.pdf")
    assert source.format == "scan"
    records = parse_document(source.text).paragraphs
    words = source_words(" ".join(p.text for p in records if p.kind != "footnote"))
    expected = expected_stream(content, table=False)
    # Recognition makes a few mistakes: nearly every word, in order, and the structure found.
    assert difflib.SequenceMatcher(None, words, expected, autojunk=False).ratio() > 0.9
    assert records[0].kind == "title" and records[0].text == TITLE
    assert any(p.kind == "heading" and p.section == "1" for p in records)
    assert "Vol" not in words and records[0].page == "117"


def test_an_articles_own_header_and_aside_notes_are_kept_the_sites_are_not():
    page = (
        '<!DOCTYPE html><html><body><header><nav><a href="/">Home</a></nav><p>Harbour Review</p></header>'
        "<article><header><h1>Salt and Tide</h1><p>Mara Ellison</p></header>"
        '<p>The harbour kept its calendar.<a href="#n1">1</a></p><aside id="n1">By the tides.</aside></article>'
        "<aside>Most read this week</aside><footer>© Harbour Review</footer></body></html>"
    )
    records = parse_document(read_source(page.encode(), "page.html").text).paragraphs
    assert [(p.kind, p.text) for p in records] == [
        ("title", "Salt and Tide"),
        ("authors", "Mara Ellison"),
        ("body", "The harbour kept its calendar.¹"),
        ("footnote", "By the tides."),
    ]
