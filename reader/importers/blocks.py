"""The block model every importer produces, and its text form, which the structuring step
(reader/importing.py, ``parse_document``) reads.

An importer knows what its source says a block *is* (a Word heading style, an HTML
footnote, a PDF line in a smaller font at the page foot); it says so with ``Block.kind`` and
the text form spells that out in the conventions ``parse_document`` already reads from plain
text and Markdown: "# " headings, "¹ " footnotes, "- " list items, "| … |" table rows, and a
"\\f[p. 117]" line where the page changes ("\\f[p. 117 #5]" when it is the file's fifth
page). So there is one structuring step for every format, and an upload keeps one text
(``versions.Upload.text``) whatever the file was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.importing import SUPERSCRIPT_DIGITS

_TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)


@dataclass
class Block:
    kind: str  # "title", "heading", "body", "footnote", "list_item", "table", "caption"
    text: str
    level: int = 1  # a heading's depth: 1 for a section, 2 for a subsection …
    label: str = ""  # a footnote's number
    page: str = ""  # as printed, else the page's index from 1
    index: int | None = None  # which page of the file (from 1) it starts on, when the file has pages


def superscript(number: str) -> str:
    return number.translate(_TO_SUPERSCRIPT)


def clean_text(text: str) -> str:
    """One line of text: whitespace collapsed, ligatures and soft hyphens undone."""
    text = text.replace("\u00ad", "")
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    return re.sub(r"\s+", " ", text).strip()


LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


def to_text(blocks: list[Block]) -> str:
    """The text ``parse_document`` turns into the same records the blocks describe."""
    chunks, page = [], ("", None)
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        lines = []
        if block.page and (block.page, block.index) != page:
            lines.append(f"\f[p. {block.page} #{block.index}]" if block.index else f"\f[p. {block.page}]")
            page = (block.page, block.index)
        if block.kind == "title":
            lines.append(f"# {text}")
        elif block.kind == "heading":
            lines.append("#" * (min(block.level, 5) + 1) + " " + text)
        elif block.kind == "footnote":
            lines.append(f"{superscript(block.label)} {text}")
        elif block.kind == "list_item":
            lines.append(f"- {text}")
        elif block.kind == "table":
            lines.extend(text.split("\n"))
        else:
            lines.append(text)
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


def table_rows(rows: list[list[str]]) -> str:
    """A table's text: one "| cell | cell |" line a row, as Markdown writes tables."""
    return "\n".join(
        "| " + " | ".join(clean_text(cell or "").replace("|", "/") for cell in row) + " |"
        for row in rows
        if any((cell or "").strip() for cell in row)
    )
