"""EPUB: the chapters in spine order, joined into one HTML document, then the HTML path.

Ids are made unique per chapter and links between chapters rewritten to them, so a note
marker in one chapter still finds its note in another (the endnotes chapter)."""

from __future__ import annotations

import io
import posixpath
import zipfile

import ebooklib
import lxml.html
from ebooklib import epub
from lxml import etree

from reader.importers.blocks import Block
from reader.importers.detect import open_zip
from reader.importers.html import html_blocks
from reader.importing import ImportRefused


def epub_blocks(data: bytes, name: str, report) -> list[Block]:
    """The blocks; ``report(stage, done, total)`` hears of each chapter about to be read
    ("chapter", chapters done, of how many), then of the notes being linked ("linking")."""
    open_zip(data, name)  # refuses a zip bomb before ebooklib unpacks anything
    try:
        book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    except (epub.EpubException, KeyError, ValueError, IndexError, AttributeError, AssertionError,
            etree.XMLSyntaxError, zipfile.BadZipFile):
        # What ebooklib raises on a package whose parts are missing or not XML (an unparsed
        # container.xml surfaces as lxml's AssertionError).
        raise ImportRefused(f"{name} is a damaged EPUB.") from None
    chapters = []
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT:
            chapters.append(item)
    numbers = {item.get_name(): n for n, item in enumerate(chapters)}
    book_html = lxml.html.document_fromstring("<html><body></body></html>")
    body = book_html.find("body")
    for n, item in enumerate(chapters):
        report("chapter", n, len(chapters))
        try:
            chapter = lxml.html.document_fromstring(item.get_content())
        except (etree.ParserError, ValueError):
            continue  # an empty chapter file
        folder = posixpath.dirname(item.get_name())
        for element in chapter.xpath("//*[@id]"):
            element.set("id", f"c{n}-{element.get('id')}")
        for link in chapter.xpath("//a[@href]"):
            target, _, fragment = link.get("href").partition("#")
            if fragment:
                where = numbers.get(posixpath.normpath(posixpath.join(folder, target)), n) if target else n
                link.set("href", f"#c{where}-{fragment}")
        section = etree.SubElement(body, "section")
        section.extend(chapter.find("body") if chapter.find("body") is not None else [chapter])
    report("linking", len(chapters), len(chapters))
    return html_blocks(book_html, whole=True)
