"""Plain text and Markdown: decoded as today, with Markdown's ``[^1]`` footnotes turned into
the superscript markers and "¹ …" footnote paragraphs the structuring step reads."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from reader.importers.blocks import superscript
from reader.importing import ImportRefused

_MARKDOWN = MarkdownIt("commonmark").use(footnote_plugin)


def decode_source(data: bytes, name: str = "the file") -> str:
    """Return the text of a source file, or refuse it with a one-line reason."""
    if not data.strip():
        raise ImportRefused(f"{name} is empty.")
    # A NUL byte never occurs in text, wherever it is; a high share of control bytes at the
    # start means an image, a PDF…
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    if b"\x00" in data or controls > len(head) * 0.05:
        raise ImportRefused(f"{name} looks like a binary file, not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "convert it to UTF-8 first."
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportRefused(f"{name} is empty.")
    return markdown_footnotes(text)


def markdown_footnotes(text: str) -> str:
    """"…as shown[^a]." and "[^a]: The note." become "…as shown¹." and "¹ The note."."""
    if "[^" not in text:
        return text
    env: dict = {}
    tokens = _MARKDOWN.parse(text, env)
    notes = env.get("footnotes", {}).get("refs", {})
    if not notes:
        return text
    lines = text.split("\n")
    current = None
    for token in tokens:
        if token.type == "footnote_open":
            current = token.meta
        elif token.type == "footnote_close":
            current = None
        elif current is not None and token.type == "paragraph_open" and token.map:
            first = token.map[0]
            marker = superscript(str(current["id"] + 1))
            lines[first] = re.sub(rf"^\s*\[\^{re.escape(current['label'])}\]:\s*", f"\n{marker} ", lines[first])
            current = None  # a note's later paragraphs continue it
    text = "\n".join(lines)
    for key, number in notes.items():
        text = text.replace(f"[^{key.removeprefix(':')}]", superscript(str(number + 1)))
    return text
