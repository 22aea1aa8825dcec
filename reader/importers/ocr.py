"""A scanned PDF's words, recognised by Debian's tesseract from images of its pages, in the
shape reader/importers/pdf_text.py gives a born-digital page's, so the same layout reading
follows. Fonts are unknown (no bold or italics) and sizes come from the line heights."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

from reader.importing import ImportRefused

DPI = 300
MAX_PAGES = 20  # about a second or two a page, in the background (versions/imports.py), one job per upload
TIMEOUT_SECONDS = 120


def available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_words(page, height: float, name: str) -> list[dict]:
    scale = DPI / 72
    image = page.render(scale=scale).to_pil()
    png = io.BytesIO()
    image.save(png, "PNG")
    try:
        result = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "eng", "tsv"],
            input=png.getvalue(), capture_output=True, timeout=TIMEOUT_SECONDS, check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise ImportRefused(f"{name} is a scan whose text could not be recognised.") from None
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)]
    lines: dict = {}
    for row in rows:
        if row.get("level") == "5" and row["text"].strip() and float(row["conf"]) >= 0:
            lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    words = []
    for line in lines.values():
        top = min(int(r["top"]) for r in line) / scale
        bottom = max(int(r["top"]) + int(r["height"]) for r in line) / scale
        # A line's box runs from ascender to descender, about 1.2 times the type size.
        size = float(round((bottom - top) / 1.2))
        for r in line:
            x0 = int(r["left"]) / scale
            words.append({
                "text": r["text"], "x0": x0, "x1": x0 + int(r["width"]) / scale, "top": top, "bottom": bottom,
                "size": size, "fontname": "",
            })
    return words
