"""A page compressed once and sent many times, with per-response values filled in unrecompressed.

The reading page cache (reader/page_cache.py) keeps a rendered page with holes where each
response puts its own values (a CSRF token, a timestamp). Compressing 270 KB costs a few
milliseconds, more than the cached view itself; sending it uncompressed costs bandwidth and
memory. So the text between holes is deflated once, each piece by its own compressor (so
no back-reference crosses a hole), flushed to a byte boundary; a response is those pieces
with each hole's value between them as a stored (uncompressed) deflate block, wrapped as a
zlib stream (HTTP's "deflate" coding) whose Adler-32 is combined from the pieces' sums.
This is how Varnish splices compressed ESI fragments.

A page is stored (reader.models.KeptPage.page) as plain bytes, not pickled, so reading a row
runs no code from it. The layout, big-endian: the 4 bytes ``FORMAT``, then each piece in order,
either a text piece, ``b"t"`` + its Adler-32 (4 bytes) + its length before deflating (4) + its
deflated length (4) + the deflated bytes, or a hole, ``b"h"`` + its name's length (2) + the
name in UTF-8.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

ZLIB_HEADER = b"\x78\x9c"  # deflate, 32 KB window, default level (RFC 1950)
_ADLER_BASE = 65521
FORMAT = b"CPg1"  # the first bytes of a stored page; a new layout gets a new one
_TEXT = struct.Struct(">cIII")  # b"t", Adler-32, length, deflated length
_HOLE = struct.Struct(">cH")  # b"h", the name's length


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of A + B from A's, B's and B's length (zlib's adler32_combine)."""
    remainder = second_length % _ADLER_BASE
    sum1 = first & 0xFFFF
    sum2 = (remainder * sum1) % _ADLER_BASE
    sum1 = (sum1 + (second & 0xFFFF) + _ADLER_BASE - 1) % _ADLER_BASE
    sum2 = (sum2 + ((first >> 16) & 0xFFFF) + ((second >> 16) & 0xFFFF) + _ADLER_BASE - remainder) % _ADLER_BASE
    return sum1 | (sum2 << 16)


def _stored_block(data: bytes) -> bytes:
    """A non-final stored deflate block; the stream is at a byte boundary before it."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


@dataclass(frozen=True)
class CompressedPage:
    # Text as (deflated bytes, Adler-32, length); holes as their names.
    pieces: tuple

    @classmethod
    def build(cls, html: bytes, holes: dict[str, bytes]) -> CompressedPage:
        """`holes` maps a name to the stand-in the page carries for it."""
        by_stand_in = {stand_in: name for name, stand_in in holes.items()}
        pattern = re.compile(b"(" + b"|".join(re.escape(s) for s in by_stand_in) + b")")
        pieces = []
        parts = pattern.split(html)
        for number, part in enumerate(parts):
            if number % 2:
                pieces.append(by_stand_in[part])
                continue
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            last = number == len(parts) - 1
            deflated = compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
            pieces.append((deflated, zlib.adler32(part), len(part)))
        return cls(tuple(pieces))

    def deflated(self, values: dict[str, bytes]) -> bytes:
        """The page with each hole's value, as a zlib stream (Content-Encoding: deflate)."""
        out, checksum = [ZLIB_HEADER], 1
        for piece in self.pieces:
            if isinstance(piece, str):
                value = values[piece]
                out.append(_stored_block(value))
                checksum = adler32_combine(checksum, zlib.adler32(value), len(value))
            else:
                deflated, adler, length = piece
                out.append(deflated)
                checksum = adler32_combine(checksum, adler, length)
        out.append(struct.pack(">I", checksum))
        return b"".join(out)

    def html(self, values: dict[str, bytes]) -> bytes:
        """The page with each hole's value, uncompressed (for clients that accept no deflate)."""
        return zlib.decompress(self.deflated(values))

    def to_bytes(self) -> bytes:
        """The page in the layout the module docstring describes."""
        out = [FORMAT]
        for piece in self.pieces:
            if isinstance(piece, str):
                name = piece.encode()
                out += [_HOLE.pack(b"h", len(name)), name]
            else:
                deflated, adler, length = piece
                out += [_TEXT.pack(b"t", adler, length, len(deflated)), deflated]
        return b"".join(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> CompressedPage:
        """The page to_bytes wrote (ValueError if `data` does not start as one)."""
        data = bytes(data)  # PostgreSQL's bytea arrives as a memoryview
        if not data.startswith(FORMAT):
            raise ValueError("not a stored page")
        pieces, at = [], len(FORMAT)
        while at < len(data):
            if data[at : at + 1] == b"h":
                _, size = _HOLE.unpack_from(data, at)
                at += _HOLE.size
                pieces.append(data[at : at + size].decode())
            else:
                _, adler, length, size = _TEXT.unpack_from(data, at)
                at += _TEXT.size
                pieces.append((data[at : at + size], adler, length))
            at += size
        return cls(tuple(pieces))
