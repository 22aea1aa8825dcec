"""The importers: one module per source format, each turning a file's bytes into blocks
(reader/importers/blocks.py) whose text form the one structuring step reads
(reader/importing.py, ``parse_document``). ``read_source`` finds the format from the
content, not the name, and refuses what cannot become a paper with one line for people."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reader.importers.blocks import to_text
from reader.importers.detect import detect
from reader.importers.docx import docx_blocks
from reader.importers.epub import epub_blocks
from reader.importers.html import html_blocks, parse_html
from reader.importers.pdf import pdf_blocks
from reader.importers.text import decode_source
from reader.models import SourceFile

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "epub": "application/epub+zip",
    "html": "text/html",
    "text": "text/plain",
    "scan": "application/pdf",  # a PDF of page images, its text recognised (reader/importers/ocr.py)
}


@dataclass(frozen=True)
class Source:
    format: str  # a key of CONTENT_TYPES
    text: str  # what parse_document reads
    dropped: tuple = ()  # (text, pages) dropped as running header, footer or page number

    def original(self, data: bytes, name: str) -> SourceFile:
        """The file itself, unsaved, to keep with the document for its readers."""
        return original_file(data, name, self.format)


def _unheard(stage: str, done: int, total: int) -> None:
    """Progress no one follows (the command line, the bench, a test)."""


def original_file(data: bytes, name: str, format: str) -> SourceFile:
    """A file as uploaded, unsaved; ``format`` is a key of CONTENT_TYPES."""
    return SourceFile(
        name=name[:300], format=format, content_type=CONTENT_TYPES[format], size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), data=data,
    )


def read_source(data: bytes, name: str = "the file", progress=None) -> Source:
    """The text of a paper file of any supported format, or ``ImportRefused``.
    ``progress(stage, done, total)`` hears how far a PDF, Word or EPUB file has been read:
    a PDF's pages ("reading", "recognising"), an EPUB's chapters ("chapter"), a Word file's
    conversion ("converting"), then for both the notes being linked ("linking")."""
    if not data.strip():
        return Source("text", decode_source(data, name))  # refuses it as empty
    report = progress or _unheard
    kind = detect(data, name)
    if kind == "pdf":
        blocks, recognised, dropped = pdf_blocks(data, name, report)
        return Source("scan" if recognised else kind, to_text(blocks), tuple(dropped))
    if kind == "docx":
        return Source(kind, to_text(docx_blocks(data, name, report)))
    if kind == "epub":
        return Source(kind, to_text(epub_blocks(data, name, report)))
    if kind == "html":
        # lxml reads the page's own charset declaration from the bytes.
        return Source(kind, to_text(html_blocks(parse_html(data, name))))
    return Source(kind, decode_source(data, name))
