"""What pdfium sees on a PDF page: its words (with font size, font name and a box from the
baseline, so that the words of one line share a height) and its ruled tables (cells drawn
as rectangles). pdfium is fast (a 30-page article in well under a second); the layout
reading that uses these lives in reader/importers/pdf.py."""

from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium

_CHARS = {0: " ", 2: "-"}
_SPACE = {" ", "\t", "\r", "\n", "\xa0", "\u2002", "\u2003", "\u2009"}


def page_words(page, height: float) -> list[dict]:
    """Words as {"text", "x0", "x1", "top", "bottom", "size", "fontname"}, top-down coordinates."""
    textpage = page.get_textpage()
    raw = textpage.raw
    words: list[dict] = []
    current = None
    x, y = ctypes.c_double(), ctypes.c_double()
    box = pdfium.FS_RECTF()
    name_buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    fonts: dict = {}
    for index in range(textpage.count_chars()):
        code = pdfium.FPDFText_GetUnicode(raw, index)
        # pdfium reports a hyphen at a line end as U+0002.
        char = _CHARS.get(code) or chr(code)
        if char in _SPACE:
            current = None
            continue
        size = round(pdfium.FPDFText_GetFontSize(raw, index), 1)
        length = pdfium.FPDFText_GetFontInfo(raw, index, name_buffer, 128, flags)
        name = name_buffer.raw[: max(length - 1, 0)]
        fontname = fonts.setdefault(name, name.decode("latin-1"))
        pdfium.FPDFText_GetCharOrigin(raw, index, x, y)
        # The loose box spans the glyph's advance: the boxes of a word's letters abut.
        pdfium.FPDFText_GetLooseCharBox(raw, index, box)
        baseline = height - y.value
        if (
            current is None
            or current["size"] != size
            or current["fontname"] != fontname
            or abs(current["baseline"] - baseline) > 0.3 * size
            or box.left - current["x1"] > 0.5 * size
            or box.left < current["x0"]
        ):
            current = {
                "text": "", "x0": box.left, "x1": box.right, "top": baseline - 0.8 * size,
                "bottom": baseline + 0.25 * size, "size": size, "fontname": fontname, "baseline": baseline,
            }
            words.append(current)
        current["text"] += char
        current["x1"] = max(current["x1"], box.right)
    textpage.close()
    return words


def page_tables(page, height: float) -> list[tuple[tuple[float, float, float, float], list[list[tuple]]]]:
    """Ruled tables: ((x0, top, x1, bottom), rows of cell boxes), from rectangles that touch."""
    cells = []
    for obj in page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_PATH]):
        x0, y0, x1, y1 = obj.get_bounds()
        if x1 - x0 > 4 and y1 - y0 > 4:
            cells.append((x0, height - y1, x1, height - y0))
    groups: list[list[tuple]] = []
    for cell in sorted(cells, key=lambda c: (c[1], c[0])):
        touching = [g for g in groups if any(_touch(cell, other) for other in g)]
        merged = [cell] + [c for g in touching for c in g]
        groups = [g for g in groups if g not in touching] + [merged]
    tables = []
    for group in groups:
        tops = sorted({round(c[1]) for c in group})
        lefts = {round(c[0]) for c in group}
        if len(tops) < 2 or len(lefts) < 2:
            continue
        rows = [sorted((c for c in group if round(c[1]) == t), key=lambda c: c[0]) for t in tops]
        box = (min(c[0] for c in group), min(c[1] for c in group), max(c[2] for c in group), max(c[3] for c in group))
        tables.append((box, rows))
    return tables


def _touch(a, b, slack=1.5) -> bool:
    return a[0] <= b[2] + slack and b[0] <= a[2] + slack and a[1] <= b[3] + slack and b[1] <= a[3] + slack
