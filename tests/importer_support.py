"""Papers typeset at test time, in the formats instructors have (PDF, DOCX, EPUB, HTML), from
one text written here; and the check that an import kept every word of it, in order, once.

The PDF is laid out like a journal article: a running header and a printed page number on
every page (from 117), the title, authors, abstract and keywords across the page, then two
columns with first-line indents, footnotes at the foot of the column that cites them (with
raised markers), words hyphenated at line ends, a word with a real hyphen broken at it,
"fi" set as a ligature, a table with its caption, and references with hanging indents."""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass

import docx
from ebooklib import epub
from fpdf import FPDF

FONTS = "/usr/share/fonts/truetype/dejavu/"
TITLE = "Tide Ledgers and the Making of a Harbour Economy"
AUTHORS = "Mara Ellison, Tomas Varga"
ABSTRACT = (
    "Abstract: We read the harbour master's ledgers of a small port as a record of how a fishing town "
    "became a market-oriented harbour economy, and show that the tides, not the merchants, set its calendar."
)
KEYWORDS = "Keywords: harbour; ledgers; tides; fisheries"
# Words the typesetter always breaks at the end of a line, where it shows the break.
HYPHENATED = {"industrialisation": "industrial", "accountability": "account", "reconstruction": "recon"}
REAL_HYPHEN = "market-oriented"

_VOCABULARY = ["the", "harbour", "master", "kept", "a", "ledger", "of", "every", "boat", "that", "came", "in", "and", "the", "tide", "it", "came", "with", "while", "the", "merchants", "of", "the", "town", "argued", "over", "prices", "and", "the", "fishing", "fleet", "waited", "for", "the", "water", "to", "rise", "again", "market", "oriented", "trade", "grew", "slowly", "as", "the", "port", "took", "on", "cargo", "beyond", "herring", "salt", "timber", "and", "wool"]


@dataclass
class Section:
    heading: str
    paragraphs: list[str]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paper(seed: int = 7, sections: int = 4, per_section: int = 4) -> tuple[list[Section], dict[int, str], list[str]]:
    """The paper's sections, its footnotes ({number: text}) and its references."""
    rng = random.Random(seed)
    special = [f"the {w} of the port" for w in HYPHENATED] + [f"a {REAL_HYPHEN} port"]
    out, notes, n = [], {}, 0
    headings = ["1. Introduction", "2. Ledgers and tides", "2.1 The harbour master's books", "3. Prices and the calendar",
                "4. Conclusion", "5. Afterword", "6. Sources", "7. Further work"]
    for s in range(sections):
        paragraphs = []
        for p in range(per_section):
            sentences = [_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6))]
            if special and p % 2 == 0:
                sentences[1] = sentences[1][:-1] + " with " + special.pop() + "."
            if p == 1:
                n += 1
                sentences[0] = sentences[0] + "{" + str(n) + "}"
                notes[n] = f"See the ledger for the year {1800 + n}, kept in the town archive, box {n}."
            # Some paragraphs end without a full stop, as a colon-less list lead-in would not:
            paragraphs.append(" ".join(sentences))
        out.append(Section(headings[s] if s < len(headings) else f"{s}. The ledgers of year {s}", paragraphs))
    references = [
        "Abbott, J. (2019). Harbour ledgers and the tides of trade. Journal of Harbour Studies, 4, 11-40.",
        "Brandt, K., & Osei, L. (2021). Fishing towns in the long nineteenth century: a ledger history of the northern ports.",
        "Castell, R. (2008). The salt merchants. Northport: Quay Press.",
    ]
    return out, notes, references


def source_words(text: str) -> list[str]:
    """The words of a text, without emphasis, note markers or the "{1}" marker notation."""
    text = re.sub(r"\{\d+\}|[⁰¹²³⁴⁵⁶⁷⁸⁹]|\*", "", text)
    return re.findall(r"[\w’']+(?:-[\w’']+)*", text)


class _Typesetter:
    PAGE_W, PAGE_H = 595.0, 842.0
    LEFT, RIGHT, GUTTER = 50.0, 545.0, 22.0
    TOP, BOTTOM = 80.0, 780.0
    BODY, LEADING = 10.0, 13.0

    def __init__(self, notes: dict[int, str], first_page: int = 117, columns: int = 2):
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("Serif", "", FONTS + "DejaVuSerif.ttf")
        self.pdf.add_font("Serif", "B", FONTS + "DejaVuSerif-Bold.ttf")
        self.pdf.add_font("Serif", "I", FONTS + "DejaVuSerif-Italic.ttf")
        self.number = first_page - 1
        self.columns = columns
        self.width = (self.RIGHT - self.LEFT - self.GUTTER * (columns - 1)) / columns
        self.cuts: list[tuple[str, str]] = []  # paragraphs cut by a column or page break
        self.notes_text = notes
        self.column_top = self.TOP  # where the columns start: below the front matter on page 1
        self.new_page()

    def new_page(self):
        self.pdf.add_page()
        self.number += 1
        self.font("", 8)
        self.pdf.text(self.LEFT, 40, "Journal of Harbour Studies · Vol. 12 · 2026")
        self.pdf.text(self.RIGHT - self.pdf.get_string_width("Tide Ledgers"), 40, "Tide Ledgers")
        label = str(self.number)
        self.pdf.text((self.PAGE_W - self.pdf.get_string_width(label)) / 2, 815, label)
        self.column, self.y, self.bottom = 0, self.TOP, [self.BOTTOM] * self.columns

    def font(self, style, size):
        self.pdf.set_font("Serif", style, size)

    @property
    def x(self):
        return self.LEFT + self.column * (self.width + self.GUTTER)

    def next_column(self):
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.column_top
        else:
            self.new_page()
            self.column_top = self.TOP

    def full_width(self, text, style="", size=BODY, gap=6.0):
        """A block across both columns (front matter), wrapped to the page's width."""
        self.font(style, size)
        for line in self.wrap(text, self.RIGHT - self.LEFT, size, style):
            self.y += size * 1.3
            self.draw_words(self.LEFT, self.y, line, size, style)
        self.y += gap
        self.column_top = self.y + 8

    def paragraph(self, text, style="", size=BODY, indent=14.0, hanging=0.0, gap=0.0):
        self.font(style, size)
        first = True
        for line in self.wrap(text, self.width, size, style, indent=indent + hanging, first_indent=indent if first else 0):
            markers = [int(m) for m in re.findall(r"\{(\d+)\}", " ".join(line))]
            need = sum(self.note_height(self.notes_text[m]) for m in markers)
            if self.y + size * 1.3 > self.bottom[self.column] - need:
                if not first:
                    self.cuts.append(("page" if self.column + 1 == self.columns else "column", text))
                self.next_column()
            self.y += size * 1.3
            x = self.x + (indent if first else hanging)
            self.draw_words(x, self.y, line, size, style)
            for m in markers:
                self.place_note(m)
            first = False
        self.y += gap

    def note_height(self, text):
        return len(self.wrap(text, self.width, 8, "")) * 10.0 + 4

    def place_note(self, number):
        """The note at the foot of this column, above the notes already there."""
        text = self.notes_text[number]
        lines = self.wrap(f"{number} {text}", self.width, 8, "")
        self.bottom[self.column] -= len(lines) * 10.0 + 4
        y = self.bottom[self.column] + 4
        self.font("", 8)
        for line in lines:
            y += 10.0
            self.pdf.text(self.x, y, " ".join(line))
        self.font("", self.BODY)

    def wrap(self, text, width, size, style, indent=0.0, first_indent=None):
        """Lines of words; the words of HYPHENATED and the real hyphen are always broken."""
        self.font(style, size)
        space = self.pdf.get_string_width(" ")
        lines, line, used = [], [], first_indent if first_indent is not None else indent
        limit = width
        for word in text.split():
            parts = [word]
            bare = word.strip(".,;:")
            if bare in HYPHENATED:
                head = HYPHENATED[bare]
                parts = [head + "-", word[len(head):]]
            elif bare == REAL_HYPHEN:
                parts = ["market-", word[len("market-"):]]
            for i, part in enumerate(parts):
                w = self.pdf.get_string_width(re.sub(r"\{\d+\}", "", part))
                if line and used + space + w > limit:
                    lines.append(line)
                    line, used = [], 0.0
                line.append(part)
                used += space + w
                if len(parts) > 1 and i == 0:
                    lines.append(line)  # the break shows at the hyphen
                    line, used = [], 0.0
        if line:
            lines.append(line)
        return lines

    def draw_words(self, x, y, words, size, style):
        for word in words:
            marker = re.search(r"\{(\d+)\}", word)
            shown = re.sub(r"\{\d+\}", "", word).replace("fi", "ﬁ")
            self.font(style, size)
            self.pdf.text(x, y, shown)
            x += self.pdf.get_string_width(shown)
            if marker:
                self.font("", size * 0.6)
                self.pdf.text(x + 0.5, y - size * 0.4, marker[1])
                x += self.pdf.get_string_width(marker[1]) + 0.5
                self.font(style, size)
            x += self.pdf.get_string_width(" ")

    def heading(self, text):
        if self.y + 40 > self.bottom[self.column]:
            self.next_column()
        self.y += 8
        self.paragraph(text, style="B", size=12, indent=0)
        self.y += 2

    def table(self, caption, rows):
        self.y += 6
        self.paragraph(caption, size=9, indent=0)
        height = 16.0 * len(rows)
        if self.y + height + 6 > self.bottom[self.column]:
            self.next_column()
        top, cell = self.y + 4, self.width / len(rows[0])
        self.font("", 9)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.pdf.rect(self.x + c * cell, top + r * 16, cell, 16)
                self.pdf.text(self.x + c * cell + 3, top + r * 16 + 11, value)
        self.y = top + height + 8


TABLE_CAPTION = "Table 1: Boats entered in the ledgers, by season."
TABLE_ROWS = [["Season", "Boats", "Tides"], ["Spring", "112", "58"], ["Autumn", "97", "61"]]


def journal_pdf(sections=4, per_section=4, seed=7, columns=2) -> tuple[bytes, tuple, list]:
    """The PDF's bytes, the paper it was typeset from (sections, notes, references), and the
    paragraphs a column or page break cut."""
    content = paper(seed, sections, per_section)
    body, notes, references = content
    t = _Typesetter(notes, columns=columns)
    t.full_width(TITLE, "B", 18, gap=4)
    t.full_width(AUTHORS, "", 11, gap=8)
    t.full_width(ABSTRACT, "", t.BODY, gap=2)
    t.full_width(KEYWORDS, "", t.BODY, gap=10)
    t.y = t.column_top
    for n, section in enumerate(body):
        t.heading(section.heading)
        for p, text in enumerate(section.paragraphs):
            t.paragraph(text, indent=0 if p == 0 else 14)
            if n == 1 and p == 1:
                t.table(TABLE_CAPTION, TABLE_ROWS)
    t.heading("References")
    for reference in references:
        t.paragraph(reference, indent=0, hanging=12, gap=2)
    return bytes(t.pdf.output()), content, t.cuts


# --- A short paper in Word, EPUB and HTML ------------------------------------------------

SHORT = {
    "title": "Salt and Tide",
    "sections": [
        ("1. Introduction", ["The harbour kept its own *calendar*, set by the water.{1} Boats came in on the flood.",
                             "Three kinds of entry appear in the ledgers:"]),
        ("2. Entries", ["Each entry names the boat, the tide and the catch.{2}"]),
    ],
    "items": ["arrivals on the flood", "departures on the ebb"],
    "notes": {1: "The tide tables survive for 1802 only.", 2: "Catches are in barrels."},
    "references": ["Abbott, J. (2019). Harbour ledgers. Northport: Quay Press.",
                   "Castell, R. (2008). The salt merchants. Northport: Quay Press."],
}


def short_words() -> list[str]:
    parts = [SHORT["title"]]
    for heading, paragraphs in SHORT["sections"]:
        parts += [heading, *paragraphs]
        if heading.startswith("1."):
            parts += SHORT["items"]
    parts += ["References", *SHORT["references"]]
    return source_words(" ".join(parts))


def short_docx() -> bytes:
    """A Word file with real footnotes (Word's footnotes part, which python-docx cannot write,
    is added to the package by hand), styles for the title and headings, a list and italics."""
    document = docx.Document()
    document.add_paragraph(SHORT["title"], style="Title")
    for heading, paragraphs in SHORT["sections"]:
        document.add_paragraph(heading, style="Heading 1")
        for text in paragraphs:
            paragraph = document.add_paragraph()
            for piece in re.split(r"(\*[^*]+\*|\{\d+\})", text):
                if piece.startswith("*"):
                    paragraph.add_run(piece.strip("*")).italic = True
                elif piece.startswith("{"):
                    paragraph.add_run(f"FOOTNOTE{piece[1:-1]}")
                elif piece:
                    paragraph.add_run(piece)
        if heading.startswith("1."):
            for item in SHORT["items"]:
                document.add_paragraph(item, style="List Bullet")
    document.add_paragraph("References", style="Heading 1")
    for reference in SHORT["references"]:
        document.add_paragraph(reference)
    out = io.BytesIO()
    document.save(out)
    return _with_footnotes(out.getvalue())


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _with_footnotes(package: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    notes = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
        for n, text in SHORT["notes"].items()
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {_W}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        f"{notes}</w:footnotes>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(
                    rb"<w:r>(?:<w:rPr>.*?</w:rPr>)?<w:t>FOOTNOTE(\d+)</w:t></w:r>",
                    rb'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="\1"/></w:r>',
                    data,
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def _html_paragraph(text: str, link) -> str:
    text = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", text)
    return "<p>" + re.sub(r"\{(\d+)\}", lambda m: link(m[1]), text) + "</p>"


def short_html() -> bytes:
    """A saved article page: site navigation, header and footer around the article."""
    body = [f"<h1>{SHORT['title']}</h1>"]
    for heading, paragraphs in SHORT["sections"]:
        body.append(f"<h2>{heading}</h2>")
        body += [_html_paragraph(p, lambda n: f'<sup><a href="#fn{n}" id="ref{n}">{n}</a></sup>') for p in paragraphs]
        if heading.startswith("1."):
            body.append("<ul>" + "".join(f"<li>{item}</li>" for item in SHORT["items"]) + "</ul>")
    body.append("<h2>References</h2>")
    body += [f"<p>{r}</p>" for r in SHORT["references"]]
    notes = "".join(f'<li id="fn{n}">{text} <a href="#ref{n}">↩</a></li>' for n, text in SHORT["notes"].items())
    return (
        "<!DOCTYPE html><html><head><title>Salt and Tide | Harbour Review</title><script>var x = 1;</script></head>"
        '<body><header><nav><a href="/">Home</a> <a href="/issues">Issues</a></nav></header>'
        f'<article>{"".join(body)}<section class="footnotes"><ol>{notes}</ol></section></article>'
        "<footer>© Harbour Review. Subscribe to our newsletter.</footer></body></html>"
    ).encode()


def short_epub() -> bytes:
    """Chapters in a spine order unlike their file names, notes in a chapter of their own."""
    book = epub.EpubBook()
    book.set_identifier("salt-and-tide")
    book.set_title(SHORT["title"])
    book.set_language("en")
    chapters = []
    link = lambda n: f'<a epub:type="noteref" href="z-notes.xhtml#note{n}">{n}</a>'
    for n, (heading, paragraphs) in enumerate(SHORT["sections"]):
        html = f"<h2>{heading}</h2>" + "".join(_html_paragraph(p, link) for p in paragraphs)
        if n == 0:
            html = f"<h1>{SHORT['title']}</h1>" + html
            html += "<ul>" + "".join(f"<li>{item}</li>" for item in SHORT["items"]) + "</ul>"
        chapter = epub.EpubHtml(title=heading, file_name=f"{'b' if n == 0 else 'a'}-chapter.xhtml")
        chapter.content = f"<html><body>{html}</body></html>"
        chapters.append(chapter)
    references = epub.EpubHtml(title="References", file_name="c-references.xhtml")
    references.content = "<html><body><h2>References</h2>" + "".join(f"<p>{r}</p>" for r in SHORT["references"]) + "</body></html>"
    notes = epub.EpubHtml(title="Notes", file_name="z-notes.xhtml")
    notes.content = "<html><body><ol>" + "".join(
        f'<li id="note{n}"><p>{text}</p></li>' for n, text in SHORT["notes"].items()
    ) + "</ol></body></html>"
    for item in [*chapters, references, notes]:
        book.add_item(item)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters, references, notes]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()
