"""HTML (a saved article page; also what DOCX and EPUB become) to blocks.

The article's main content is the first of <article>, <main>, [role=main], else <body>,
without navigation, headers, footers, asides, forms and scripts. Headings h1–h6, paragraphs,
list items, tables (one record each) and captions become blocks; footnotes are found by
their anchors: a link "#x" whose target holds text is a note marker, the target its note
(numbered in the order they are cited), and a link from the note back to its marker goes.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from reader.importers.blocks import Block, clean_text, superscript, table_rows
from reader.importing import ImportRefused

_DROPPED = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "button")
_HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
_LEAVES = {"p", "li", "dt", "dd", "pre", "figcaption", "caption", "blockquote", "address", "td", "th"}
_CONTAINERS = {
    "div", "section", "article", "main", "body", "ol", "ul", "dl", "figure", "blockquote", "center", "header", "footer",
    "hgroup", "aside",
}
_EMPHASIS = {"em", "i", "strong", "b", "cite"}


_CHARSET = re.compile(rb"""(?:encoding|charset)\s*=\s*["']?([A-Za-z0-9_.:-]+)""")


def parse_html(data: bytes | str, name: str) -> etree._Element:
    if isinstance(data, bytes):
        data = _decode(data)
    # lxml refuses a str that still declares its encoding.
    data = re.sub(r"^\s*<\?xml[^>]*\?>", "", data)
    try:
        return lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        raise ImportRefused(f"{name} is not readable HTML.") from None


def _decode(data: bytes) -> str:
    """UTF-8, else the charset the page declares, else Windows-1252 (what browsers assume)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        declared = _CHARSET.search(data[:2048])
        try:
            return data.decode(declared[1].decode() if declared else "cp1252", errors="replace")
        except LookupError:
            return data.decode("cp1252", errors="replace")


def html_blocks(root: etree._Element, *, whole: bool = False) -> list[Block]:
    """The blocks of an HTML document's main content (all of it when ``whole``), in order."""
    for element in root.xpath("//comment() | //processing-instruction()"):
        _remove(element)
    main = None if whole else next(iter(root.xpath("//article | //main | //*[@role='main']")), None)
    body = root.find("body") if root.find("body") is not None else root
    main = main if main is not None else body
    _number_notes(main)
    # An article's own header holds its title; the site's header and footer go.
    dropped = _DROPPED if main is body else tuple(t for t in _DROPPED if t not in ("header", "footer"))
    for element in main.xpath(" | ".join(f".//{tag}" for tag in dropped)):
        if not element.xpath("descendant-or-self::*[@data-note-body]"):  # notes may sit in an <aside>
            _remove(element)
    walker = _Walker()
    walker.visit(main)
    return walker.blocks


def _remove(element):
    parent = element.getparent()
    if parent is not None:
        # Keep the text that follows the element (its tail), which belongs to the parent.
        previous = element.getprevious()
        if element.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _number_notes(main) -> None:
    """Number the notes in the order they are cited; mark markers, notes and links back."""
    ids = {element.get("id"): element for element in main.xpath(".//*[@id]")}
    numbers: dict = {}
    for link in main.xpath(".//a[starts-with(@href, '#')]"):
        target = ids.get(link.get("href")[1:])
        text = clean_text(link.text_content()).strip("[]() ")
        if target is None or not text or len(text) > 4 or _inside(link, target):
            continue
        if link.xpath("ancestor::*[@data-note-body]"):
            # A link from a note back to where it is cited.
            link.set("data-backlink", "1")
            continue
        note = _note_element(target)
        if note is main or _inside(link, note):
            continue  # "back to top" and the like
        number = numbers.setdefault(id(note), len(numbers) + 1)
        link.set("data-note", str(number))
        note.set("data-note-body", str(number))


def _note_element(target):
    """The note's whole element: a <li> or <aside>/<div> around the anchor it was linked to."""
    element = target
    while element is not None and element.tag not in ("li", "aside", "div", "section", "p", "dd"):
        element = element.getparent()
    return element if element is not None else target


def _inside(element, container) -> bool:
    return container is not None and any(ancestor is container for ancestor in element.iterancestors())


class _Walker:
    def __init__(self):
        self.blocks: list[Block] = []

    def add(self, kind, text, **fields):
        text = clean_text(text)
        if text:
            self.blocks.append(Block(kind, text, **fields))

    def walk(self, element):
        for child in element.iterchildren():
            if isinstance(child.tag, str):
                self.visit(child)

    def visit(self, element):
        tag = element.tag
        note = element.get("data-note-body")
        if note:
            self.add("footnote", self.inline(element, skip_lists=False), label=note)
        elif tag in _HEADINGS:
            self.add("heading", self.inline(element), level=_HEADINGS[tag])
        elif tag == "table":
            rows = [[self.inline(cell) for cell in row.xpath("./th | ./td")] for row in element.xpath(".//tr")]
            for caption in element.xpath("./caption"):
                self.add("caption", self.inline(caption))
            self.add("table", table_rows(rows))
        elif tag in ("figcaption", "caption"):
            self.add("caption", self.inline(element))
        elif tag == "li":
            self.add("list_item", self.inline(element, skip_lists=True))
            for nested in element.xpath("./ul | ./ol"):
                self.walk(nested)
        elif tag in _CONTAINERS and self.has_blocks(element):
            if element.text and element.text.strip():
                self.add("body", element.text)
            for child in element.iterchildren():
                if isinstance(child.tag, str):
                    self.visit(child)
                if child.tail and child.tail.strip():
                    self.add("body", child.tail)
        elif tag not in ("br", "hr", "img"):
            self.add("body", self.inline(element))

    def has_blocks(self, element) -> bool:
        blocky = _LEAVES | _CONTAINERS | set(_HEADINGS) | {"table", "li"}
        return any(isinstance(child.tag, str) and (child.tag in blocky or child.get("data-note-body")) for child in element.iterdescendants())

    def inline(self, element, skip_lists=False) -> str:
        """The element's text: emphasis as *…*, note markers as superscript numbers."""
        parts = [element.text or ""]
        for child in element.iterchildren():
            if not isinstance(child.tag, str):
                parts.append(child.tail or "")
                continue
            if child.get("data-backlink") or (skip_lists and child.tag in ("ul", "ol")):
                pass
            elif child.get("data-note"):
                parts.append(superscript(child.get("data-note")))
            elif child.tag == "sup" and child.xpath(".//a[@data-note]"):
                parts.append("".join(superscript(a.get("data-note")) for a in child.xpath(".//a[@data-note]")))
            elif child.tag in _EMPHASIS:
                inner = self.inline(child).strip()
                parts.append(f"*{inner}*" if inner and "*" not in inner else inner)
            elif child.tag == "br":
                parts.append(" ")
            elif child.tag in _LEAVES | _CONTAINERS:
                parts.append(f" {self.inline(child, skip_lists)} ")
            else:
                parts.append(self.inline(child, skip_lists))
            parts.append(child.tail or "")
        return "".join(parts)
