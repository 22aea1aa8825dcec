"""What a tag may be called, wherever it is created (the form, the API, imports).

Any text a person would write is kept as typed: "covid/19", "and/or", "C++", "50%", "#1?".
People do write tags like these, and imports bring them from other tools, so refusing or
rewriting them would lose what someone meant; instead the tag page's address takes any
text (TagNameConverter). Only what cannot sit on one line of a page is changed: control
characters (NUL, line breaks, tabs) and runs of spaces become one space.
"""

import re

_SPACES_AND_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def tidy_tag_name(name: str) -> str:
    """The name as stored: on one line, without control characters, stripped ("" if nothing is left)."""
    return _SPACES_AND_CONTROLS.sub(" ", name).strip()


class TagNameConverter:
    """A URL part holding any non-empty text, "/" and line breaks included (Django's `path`
    converter stops at a line break), so a tag's page always has an address, even for a tag
    stored before names were tidied."""

    regex = r"(?s:.+)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
