"""Word (.docx) through mammoth to HTML: headings from the paragraph styles, footnotes and
endnotes from Word's own parts, lists, emphasis; then the HTML path."""

from __future__ import annotations

import io
import zipfile
from xml.parsers.expat import ExpatError

import mammoth

from reader.importers.blocks import Block
from reader.importers.detect import open_zip
from reader.importers.html import html_blocks, parse_html
from reader.importing import ImportRefused

# Word's "Title" is the paper's title (h1); its "Heading 1" a section, one level down.
_STYLE_MAP = "\n".join(
    ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"]
    + [f"p[style-name='Heading {n}'] => h{n + 1}:fresh" for n in range(1, 6)]
    + ["p[style-name='Caption'] => figcaption:fresh"]
)


def docx_blocks(data: bytes, name: str, report) -> list[Block]:
    """The blocks; ``report(stage, done, total)`` hears of its two steps, for the upload's
    progress display: mammoth's conversion (the slow one), then the notes linked."""
    open_zip(data, name)  # refuses a zip bomb before mammoth unpacks anything
    report("converting", 0, 2)
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=_STYLE_MAP)
    except (KeyError, ValueError, IndexError, AttributeError, zipfile.BadZipFile, ExpatError):
        # What mammoth raises on a package whose parts are missing or not XML.
        raise ImportRefused(f"{name} is a damaged Word file.") from None
    report("linking", 1, 2)
    return html_blocks(parse_html(f"<html><body>{result.value}</body></html>", name))
