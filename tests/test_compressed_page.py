"""reader/compressed_page.py: a page deflated once, its holes filled per response."""

import pickle
import zlib

import pytest

from reader.compressed_page import FORMAT, CompressedPage, adler32_combine

HOLES = {"token": b"@@token@@", "since": b"@@since@@"}


@pytest.mark.parametrize("html", [
    b"<p>before @@token@@ between @@since@@ after @@token@@ end</p>" * 50,
    b"@@token@@ at the very start and the very end @@token@@",
    b"no holes at all " * 1000,
    b"",
])
def test_the_filled_page_inflates_to_the_text_with_each_value(html):
    page = CompressedPage.build(html, HOLES)
    values = {"token": b"T" * 64, "since": b"1764400000000"}
    expected = html.replace(b"@@token@@", values["token"]).replace(b"@@since@@", values["since"])
    # zlib.decompress checks the stream's Adler-32, so a wrong sum fails here.
    assert zlib.decompress(page.deflated(values)) == expected
    assert page.html(values) == expected


def test_it_is_compressed():
    # As on the reading page: a form with a CSRF token every few kilobytes.
    html = (b"<li class='annotation'>A note about industrial policy.</li>\n" * 150 + b"@@token@@") * 30
    deflated = CompressedPage.build(html, HOLES).deflated({"token": b"x" * 64, "since": b""})
    assert len(deflated) < len(html) / 10


def test_adler32_combines_as_zlib_does():
    first, second = b"industrial policy " * 999, b"green development" * 4321
    assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)


@pytest.mark.parametrize("html", [b"<p>@@token@@ and @@since@@</p>" * 200, b"@@since@@", b""])
def test_a_stored_page_reads_back_as_the_same_page(html):
    page = CompressedPage.build(html, HOLES)
    stored = page.to_bytes()
    assert stored.startswith(FORMAT)
    assert CompressedPage.from_bytes(memoryview(stored)) == page  # psycopg hands bytea over as a memoryview


def test_stored_bytes_are_plain_data_not_a_pickle():
    with pytest.raises(ValueError):
        CompressedPage.from_bytes(pickle.dumps(CompressedPage.build(b"<p>@@token@@</p>", HOLES)))
