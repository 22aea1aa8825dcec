"""Born-digital PDF to blocks, from the page layout (pdfium's words with their fonts and
positions, reader/importers/pdf_text.py; pdfium also refuses what it cannot open and
gives the page labels).

Per page: tables (ruled) become one record each; the words are grouped into lines, and the
lines into columns when a gutter runs down the page (full-width lines, such as a title or
an abstract above two columns, stay in place); lines in the top or bottom margin that
repeat across pages (running headers and footers) or are a bare page number are dropped,
the printed number kept as the page's label. Lines in a smaller font with no body text
below them in their column are the page's footnotes, each starting at its number. Body
lines become paragraphs at a vertical gap, a first-line indent, a hanging indent (in the
references), a caption's "Figure 1:" or a change of font (a heading: larger, or bold and
short). A paragraph that ends mid-sentence at the foot of a column goes on at the top of
the next one, and the footnotes of the page it crossed follow it. Hyphens at line ends go,
unless the document spells that word with its hyphen (or both halves are words in it:
"market-oriented"); ligatures become letters; italics become *emphasis*; raised small digits
become superscript note markers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import pypdfium2

from reader.importers import ocr
from reader.importers.blocks import Block, clean_text, superscript, table_rows
from reader.importers.pdf_text import page_tables, page_words
from reader.importing import ImportRefused, ends_mid_sentence

MARGIN = 0.06  # of the page's height: where running headers, footers and page numbers live
_PAGE_NUMBER = re.compile(r"^(?:p(?:age|\.)?\s*)?[-–—]?\s*(?P<n>\d{1,4}|[ivxlc]{1,7})\s*[-–—]?$", re.IGNORECASE)
_CAPTION_START = re.compile(r"^(?:figure|fig\.|table|chart|exhibit|plate)\s+[0-9IVX]+[a-z]?\s*[.:—–-]", re.IGNORECASE)
_LABELLED = re.compile(r"^(?:abstract|summary|keywords|key words|jel\b[^:]*|doi)\s*[:.]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    zone: str  # "full", "left" or "right"
    page: int
    table: str = ""  # a table's rows, for the pseudo-line standing where the table is


@dataclass
class _Paragraph:
    kind: str
    lines: list[str] = field(default_factory=list)
    page: str = ""
    index: int = 0  # of its first page in the file, from 1
    last_page: str = ""
    size: float = 0
    level: int = 1


def pdf_blocks(data: bytes, name: str, report) -> tuple[list[Block], bool, list[tuple[str, int]]]:
    """The blocks, whether their text was recognised from images of the pages, and what was
    dropped as running header, footer or page number (a line's text, on how many pages).
    ``report(stage, done, total)`` hears of each page read ("reading") or recognised
    ("recognising"), for the upload's progress display."""
    document = open_pdf(data, name)
    try:
        labels = [document.get_page_label(index) or "" for index in range(len(document))]
        pages = _pages(document, page_words, "reading", report)
        scanned = not any(line.text.strip() for page in pages for line in page[0])
        if scanned:
            if not ocr.available():
                raise ImportRefused(
                    f"{name} has no text layer (it is a scan: images of pages), and text recognition is not "
                    "installed here; upload a PDF with a text layer, or the paper's text."
                )
            if len(document) > ocr.MAX_PAGES:
                raise ImportRefused(
                    f"{name} is a scan of {len(document)} pages; text is recognised here for scans of up to "
                    f"{ocr.MAX_PAGES} pages. Upload a PDF with a text layer, or the paper in parts."
                )
            recognise = partial(ocr.ocr_words, name=name)
            pages = _pages(document, recognise, "recognising", report)
    except pypdfium2.PdfiumError:
        raise ImportRefused(f"{name} is not a readable PDF (a page of it is damaged).") from None
    finally:
        document.close()
    if not any(line.text.strip() for page in pages for line in page[0]):
        raise ImportRefused(f"{name} has no text layer, and no text could be recognised in its images.")
    layout = _Layout(pages, labels)
    return layout.blocks(), scanned, layout.dropped


def open_pdf(data: bytes, name: str) -> pypdfium2.PdfDocument:
    """The PDF, or a refusal saying why it cannot be read: quick (the pages are read later),
    so the upload form refuses such a file at once, before the import in the background."""
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ImportRefused(f"{name} is protected by a password; save an unprotected copy and upload that.") from None
        raise ImportRefused(f"{name} is not a readable PDF (it may be damaged or cut short).") from None


def _pages(document, read_words, stage, report) -> list:
    pages = []
    for index in range(len(document)):
        pages.append(_page_lines(document[index], index, read_words))
        report(stage, index + 1, len(document))
    return pages


def _page_lines(page, index: int, read_words) -> tuple[list[Line], float]:
    """The page's lines in reading order (tables as pseudo-lines), and its height."""
    width, height = page.get_size()
    tables = page_tables(page, height)
    words, inside = [], {n: [] for n in range(len(tables))}
    for w in read_words(page, height):
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        table = next((n for n, ((x0, top, x1, bottom), _) in enumerate(tables) if x0 <= cx <= x1 and top <= cy <= bottom), None)
        (words if table is None else inside[table]).append(w)
    gutter = _gutter(words, width)
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        row = rows[-1] if rows else None
        if row and _overlap(row, word):
            row.append(word)
        else:
            rows.append([word])
    lines: list[Line] = []
    for row in rows:
        if gutter is None or any(w["x0"] < gutter < w["x1"] for w in row):
            parts = [("full", row)]
        else:
            parts = [(zone, [w for w in row if (w["x1"] <= gutter) == (zone == "left")]) for zone in ("left", "right")]
        lines.extend(_line(part, zone, index) for zone, part in parts if part)
    for n, ((x0, top, x1, bottom), cells) in enumerate(tables):
        zone = "full" if gutter is None or x0 < gutter < x1 else ("left" if x1 <= gutter else "right")
        text = table_rows([[_cell_text(cell, inside[n]) for cell in row] for row in cells])
        lines.append(Line("", x0, x1, top, bottom, 0, False, zone, index, table=text))
    page.close()
    return _reading_order(lines), height


def _cell_text(cell, words) -> str:
    x0, top, x1, bottom = cell
    within = [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
    return " ".join(w["text"] for w in sorted(within, key=lambda w: (round(w["top"]), w["x0"])))


def _gutter(words, width) -> float | None:
    """The x of a gap between two columns that runs down the page, if there is one."""
    if len(words) < 40:
        return None
    for x in sorted(range(int(width * 0.4), int(width * 0.6)), key=lambda x: abs(x - width / 2)):
        crossing = sum(1 for w in words if w["x0"] - 2 < x < w["x1"] + 2)
        left = sum(1 for w in words if w["x1"] < x)
        # A last page may hold only a few lines in its right column.
        if crossing < len(words) * 0.04 and left > len(words) * 0.1 and len(words) - left - crossing > len(words) * 0.05:
            return float(x)
    return None


def _overlap(row, word) -> bool:
    top = min(w["top"] for w in row)
    bottom = max(w["bottom"] for w in row)
    shared = min(bottom, word["bottom"]) - max(top, word["top"])
    return shared > 0.5 * min(bottom - top, word["bottom"] - word["top"])


def _line(words, zone, page) -> Line:
    words = sorted(words, key=lambda w: w["x0"])
    size = max(Counter(round(w["size"], 1) for w in words).most_common(1)[0][0], 1)
    bottom = max(w["bottom"] for w in words if round(w["size"], 1) == size)
    text, italic, previous = "", False, None
    for word in words:
        raised = word["size"] < 0.85 * size and word["bottom"] < bottom - 0.15 * size
        if raised and word["text"].isdigit() and previous is not None:
            text += superscript(word["text"])
            previous = word
            continue
        is_italic = bool(re.search(r"italic|oblique", word["fontname"], re.IGNORECASE))
        gap = previous is not None and word["x0"] - previous["x1"] > 0.15 * size
        if italic and not is_italic:
            text += "*"
        if gap:
            text += " "
        if is_italic and not italic:
            text += "*"
        italic = is_italic
        text += word["text"]
        previous = word
    text += "*" if italic else ""
    bold = all(re.search(r"bold|black|heavy", w["fontname"], re.IGNORECASE) for w in words)
    return Line(
        clean_text(text), words[0]["x0"], words[-1]["x1"], min(w["top"] for w in words), bottom, size, bold, zone, page
    )


def _reading_order(lines: list[Line]) -> list[Line]:
    """Full-width lines where they stand; between them, the left column, then the right."""
    ordered: list[Line] = []
    segment: list[Line] = []
    for line in sorted(lines, key=lambda l: l.top):
        if line.zone == "full":
            ordered.extend(_columns(segment))
            segment = []
            ordered.append(line)
        else:
            segment.append(line)
    ordered.extend(_columns(segment))
    return ordered


def _columns(segment):
    return [line for zone in ("left", "right") for line in segment if line.zone == zone]


def _running_key(text: str) -> str:
    """A running header's letters: the same on every page, whatever its page number (and
    whatever punctuation recognition made of it)."""
    return re.sub(r"[^a-z]", "", text.lower()) or text


class _Layout:
    def __init__(self, pages, labels):
        self.pages = pages
        self.labels = labels
        lines = [line for page, _ in pages for line in page if line.text]
        sizes = Counter(round(l.size, 1) for l in lines for _ in l.text.split())
        self.body_size = sizes.most_common(1)[0][0] if sizes else 10.0  # all its text in tables
        self.margin_lines = self._margin_lines()
        self.vocabulary = self._vocabulary(lines)
        sizes = sorted({round(l.size, 1) for l in lines if l.size > self.body_size * 1.12}, reverse=True)
        self.levels = {size: n for n, size in enumerate(sizes)}  # 0: the title's size

    @staticmethod
    def _vocabulary(lines) -> Counter:
        """The document's words, without the halves a line break may have cut."""
        words = Counter()
        for line in lines:
            tokens = line.text.split()[1:]
            if tokens and tokens[-1].endswith("-"):
                tokens.pop()
            words.update(w.lower() for token in tokens for w in _WORD.findall(token))
            words.update(token.lower().strip(".,;:()") for token in tokens if "-" in token)
        return words

    def _margin_lines(self) -> set[tuple[int, float]]:
        """(page, top) of the running headers, footers and page numbers to drop; notes labels."""
        repeated = Counter()
        for page, height in self.pages:
            seen = {_running_key(l.text) for l in page if self._in_margin(l, height)}
            repeated.update(seen)
        dropped = set()
        self.printed = {}
        kinds: dict[str, list] = {}  # running key -> [its first text, pages]
        for page, height in self.pages:
            for line in page:
                if not self._in_margin(line, height) or not line.text:
                    continue
                number = _PAGE_NUMBER.match(line.text)
                if number or (len(self.pages) > 1 and repeated[_running_key(line.text)] > 1):
                    dropped.add((line.page, line.top))
                    if number:
                        self.printed[line.page] = number["n"]
                    kind = kinds.setdefault("page number" if number else _running_key(line.text), [line.text, 0])
                    kind[1] += 1
        # For the preview: what the instructor will not see in the paper, one line per kind.
        self.dropped = [("Page numbers" if key == "page number" else text, n) for key, (text, n) in kinds.items()]
        return dropped

    @staticmethod
    def _in_margin(line, height):
        return line.bottom < height * MARGIN or line.top > height * (1 - MARGIN)

    def label(self, index):
        return self.labels[index] or self.printed.get(index) or str(index + 1)

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        held: list[Block] = []  # footnotes of a page a paragraph runs across, placed after it
        current: _Paragraph | None = None
        in_references = False
        previous: Line | None = None

        def finish():
            nonlocal current
            if current is not None:
                out.append(self.block(current))
                current = None
            out.extend(held)
            held.clear()

        for page, height in self.pages:
            lines = [l for l in page if (l.page, l.top) not in self.margin_lines and (l.text or l.table)]
            notes = self.footnote_lines(lines)
            for line in lines:
                if id(line) in notes:
                    continue
                if line.table:
                    finish()
                    out.append(Block("table", line.table, page=self.label(line.page), index=line.page + 1))
                    previous = None
                    continue
                heading = self.heading_level(line)
                if heading is not None:
                    if (
                        current is not None and current.kind in ("title", "heading") and previous is not None
                        and abs(line.size - current.size) <= 0.1 * current.size and line.top - previous.bottom < line.size
                    ):
                        # The heading's next line (a recognised scan's sizes vary a little).
                        current.lines.append(line.text)
                    else:
                        finish()
                        current = _Paragraph("title" if heading == 0 else "heading", [line.text], self.label(line.page), line.page + 1, size=line.size, level=heading)
                        in_references = bool(re.match(r"^(references|bibliography|works cited)\b", line.text, re.IGNORECASE))
                    previous = line
                    continue
                if current is not None and current.kind == "body" and not self.starts_paragraph(line, previous, current, in_references):
                    current.lines.append(line.text)
                    current.last_page = self.label(line.page)
                else:
                    finish()
                    current = _Paragraph("body", [line.text], self.label(line.page), line.page + 1, size=line.size)
                previous = line
            page_notes = self.footnotes([l for l in lines if id(l) in notes])
            if current is not None and current.kind == "body" and ends_mid_sentence(" ".join(current.lines)):
                held.extend(page_notes)
            else:
                finish()
                out.extend(page_notes)
            previous = None  # the next page starts a column
        finish()
        return self.abstract_labels(out)

    def heading_level(self, line) -> int | None:
        words = len(line.text.split())
        if line.size > self.body_size * 1.12 and words <= 30:
            level = self.levels.get(round(line.size, 1), 1)
            return level if level or line.page == 0 else 1  # the title is on the first page
        if line.bold and words <= 14 and not line.text.endswith(".") and abs(line.size - self.body_size) < 0.6:
            return len(self.levels) or 1
        return None

    def starts_paragraph(self, line, previous, current, in_references) -> bool:
        if previous is None or (previous.zone, line.zone) == ("left", "right") or line.top < previous.top:
            # The top of a column: a paragraph cut by the break goes on, unless this line is indented.
            text = " ".join(current.lines)
            return not (ends_mid_sentence(text) or text.endswith("-")) or self.indented(line)
        if _CAPTION_START.match(line.text) or _LABELLED.match(line.text) or _CAPTION_START.match(current.lines[0]) and line.top - previous.bottom > 0.3 * line.size:
            return True
        if line.top - previous.bottom > 0.7 * line.size or abs(line.size - current.size) > 0.6:
            return True
        first_word = len(line.text.split()[0]) * 0.55 * line.size  # about its width
        if previous.text.endswith((".", "?", "!")) and previous.x1 + line.size + first_word < self.right_edge(previous):
            return True  # the line's first word would have fitted: the one before ended a paragraph
        if in_references:
            # A hanging indent ends, or a reference ends and the next starts with a name.
            return previous.x0 > line.x0 + 0.8 * line.size or (
                previous.text.endswith(".") and bool(re.match(r"^(?:[A-Z][^\s,]+,\s|\[\d+\]|\d+\.\s)", line.text))
            )
        return line.x0 > previous.x0 + 0.8 * line.size

    def right_edge(self, line) -> float:
        page, _ = self.pages[line.page]
        return max(l.x1 for l in page if l.zone == line.zone and l.text)

    def indented(self, line) -> bool:
        page, _ = self.pages[line.page]
        left = min(l.x0 for l in page if l.zone == line.zone and l.text)
        return line.x0 > left + 0.8 * line.size

    def footnote_lines(self, lines) -> set[int]:
        """Lines in a smaller font with no body-size line below them in their column."""
        small = [l for l in lines if l.text and l.size < self.body_size * 0.92]
        notes = set()
        for line in small:
            below = [l for l in lines if l.top > line.top and l.zone in (line.zone, "full") and l.size >= self.body_size * 0.92]
            if not below and not _CAPTION_START.match(line.text):
                notes.add(id(line))
        # A note starts with its number; small text above the first numbered one is not a note.
        ordered = [l for l in lines if id(l) in notes]
        while ordered and not re.match(r"^(\d+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*\S", ordered[0].text):
            notes.discard(id(ordered.pop(0)))
        return notes

    def footnotes(self, lines) -> list[Block]:
        notes: list[Block] = []
        for line in lines:
            start = re.match(r"^(?P<n>\d+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(?P<text>\S.*)$", line.text)
            if start:
                label = start["n"].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
                notes.append(Block("footnote", start["text"], label=label, page=self.label(line.page), index=line.page + 1))
            elif notes:
                notes[-1].text = self.join(notes[-1].text, line.text)
        return notes

    def block(self, paragraph: _Paragraph) -> Block:
        text = paragraph.lines[0]
        for line in paragraph.lines[1:]:
            text = self.join(text, line)
        page = paragraph.page
        if paragraph.last_page and paragraph.last_page != page:
            page = f"{page}–{paragraph.last_page}"
        kind = "caption" if paragraph.kind == "body" and _CAPTION_START.match(text) else paragraph.kind
        return Block(kind, text, level=paragraph.level, page=page, index=paragraph.index)

    def join(self, text: str, line: str) -> str:
        """Two lines of one paragraph: a line-end hyphen goes unless the word has it."""
        before = re.search(r"([^\W\d_]+)-$", text)
        after = re.match(r"([^\W\d_]+)", line)
        if not (before and after):
            return f"{text} {line}"
        a, b = before[1], after[1]
        if self.vocabulary[f"{a}-{b}".lower()] or b[:1].isupper():
            return text + line
        if self.vocabulary[(a + b).lower()]:
            return text[:-1] + line
        if len(a) > 2 and len(b) > 2 and self.vocabulary[a.lower()] and self.vocabulary[b.lower()]:
            return text + line
        return text[:-1] + line

    @staticmethod
    def abstract_labels(blocks: list[Block]) -> list[Block]:
        """An "Abstract" or "Keywords" heading becomes the lead-in of the paragraph it heads."""
        out = []
        for block in blocks:
            if out and out[-1].kind == "heading" and out[-1].text.lower().rstrip(":.") in ("abstract", "keywords", "summary") and block.kind == "body":
                heading = out.pop()
                block.text = f"{heading.text.rstrip(':.')}: {block.text}"
                block.page, block.index = heading.page, heading.index
            out.append(block)
        return out
