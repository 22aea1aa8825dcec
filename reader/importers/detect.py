"""What a file is, from its bytes (not its name), and the checks every format shares."""

from __future__ import annotations

import io
import zipfile

from reader.importing import ImportRefused

# A DOCX or EPUB unpacks to a few times its size; far more is a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_UNPACK_RATIO = 100

_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Word (.doc) or Office file; save it as .docx",
    b"{\\rtf": "an RTF file; save it as .docx",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<article")


def detect(data: bytes, name: str) -> str:
    """"pdf", "docx", "epub", "html" or "text" (text and Markdown), or a refusal naming what it is."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        names = set(open_zip(data, name).namelist())
        if "word/document.xml" in names:
            return "docx"
        if "META-INF/container.xml" in names:
            return "epub"
        raise ImportRefused(f"{name} is a zip archive that is neither a Word (.docx) file nor an EPUB.")
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ImportRefused(f"{name} looks like a binary file, not text: {what}.")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS) and (b"<html" in head or b"<body" in head or b"<p" in head):
        return "html"
    return "text"


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive, once its declared sizes show it is no zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(f"{name} is a damaged zip file (a .docx or .epub cut short?).") from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_UNPACK_RATIO * max(len(data), 1):
        raise ImportRefused(
            f"{name} would unpack to {unpacked // (1024 * 1024)} MB from {len(data) // 1024} KB: it looks like a zip bomb."
        )
    return archive
