"""What the API accepts and returns. Limits here are the first line of bad-input answers (422)."""

import re
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from annotations.tag_names import tidy_tag_name

MAX_ID = 2**63 - 1  # bigint primary keys; larger numbers would be a database error


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 (reads as a type)
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length), AfterValidator(_no_nul)]


def _iso_date(value):
    # Lax parsing would take "0" as a Unix timestamp; a date filter is YYYY-MM-DD or nothing.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,100}$")]


def _stripped_tag(value: str) -> str:
    # Tidied after the length check, so what the schema calls too long is refused as sent.
    value = tidy_tag_name(value)
    if not value:
        raise ValueError("a tag needs a letter or digit, not only spaces")
    return value


TagName = Annotated[
    str, StringConstraints(min_length=1, max_length=100), AfterValidator(_no_nul), AfterValidator(_stripped_tag)
]
VisibilityName = Literal["private", "group", "public"]


class Error(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


# --- Documents and paragraphs ---------------------------------------------------------------


class DocumentOut(Schema):
    slug: str
    title: str
    authors: str
    doi: str
    keywords: str
    version: int
    paragraph_count: int
    url: str


class ParagraphOut(Schema):
    id: int
    document: str = Field(description="The document's slug.")
    position: int
    kind: str
    section: str
    level: int
    label: str
    anchor: str
    text: str = Field(description="As stored (with Markdown and note markers): annotations' start and end count in it.")
    shown_text: str = Field(description="As the reading page shows it; a new annotation's passage is chosen in it.")
    url: str
    deleted_after_version: int | None = Field(
        None, description="Set when the paragraph is in no later version: the last version that has it (``url`` reads it)."
    )


# --- Annotations ----------------------------------------------------------------------------


class LinkOut(Schema):
    relation: str
    target: int | None = Field(None, description="Paragraph id, for a link inside the document.")
    url: str = Field("", description="External address, or the target paragraph's page address.")


class AnnotationOut(Schema):
    id: int
    document: str
    paragraph: int
    paragraph_anchor: str
    author: str | None = Field(description="The author's username; null when the post is anonymous to you.")
    author_name: str = Field(description="The name to show: \"Anonymous classmate\" for an anonymous post.")
    body: str
    tags: list[str]
    quote: str
    prefix: str
    suffix: str
    start: int | None = Field(description="Offset of the passage in the paragraph's stored text.")
    end: int | None = Field(description="End offset in the stored text, exclusive.")
    visibility: VisibilityName
    group: int | None
    anonymous: bool = Field(description="Shown to classmates without its author's name (author_name says so too).")
    parent: int | None
    hidden: bool
    links: list[LinkOut]
    reply_count: int | None = Field(None, description="Replies you may see (only on the list of replies' parent).")
    created: datetime
    updated: datetime
    version: int
    url: str = Field(description="Where the annotation is in the reading page.")


class AnnotationList(Schema):
    count: int
    items: list[AnnotationOut]


class Body(Schema):
    """A JSON request body, typed exactly as its schema says: "3" is not an id, nor true a 1.
    (Query parameters arrive as text and stay lax.)"""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, data, handler, info):
        # Replaces ninja's Schema validator of this name, which reads attributes of whatever it
        # is given: null, [] or 3 would pass as "every field left out" and a PUT would wipe the
        # note. A body is a JSON object, validated as the dict it is.
        if not isinstance(data, dict):
            raise ValueError("Send a JSON object.")
        return handler(data)


def Unset():  # noqa: N802 (reads as a default, like Field)
    """The default of a PATCH field: leaving it out changes nothing, but null is not a value
    (no null default in the schema either, or clients would think they may send one)."""
    return Field(None, json_schema_extra=lambda schema: schema.pop("default", None))


class LinkIn(Body):
    relation: Text(40, min_length=1) = "see also"
    target: Id | None = Field(None, description="A paragraph you may read, in any document.")
    url: Text(2000) | None = Field(
        None, description="An http(s) address; a paragraph's address on this site (/d/<slug>/#p-<anchor>) links to it."
    )

    @model_validator(mode="after")
    def one_target(self):
        if (self.target is None) == (not self.url):
            raise ValueError("give either target (a paragraph id) or url, not both")
        return self


class AnnotationCreate(Body):
    paragraph: Id
    body: Text(20000) = ""
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    # A passage is chosen in the paragraph's text as the reading page shows it (what a
    # selection there counts), as the pages' form does: annotations.editing.
    quote: Text(10000) = Field("", description="The passage as shown; alone, it is found in the paragraph.")
    prefix: Text(64) = Field("", description="Shown text just before the quote, to tell repeated quotes apart.")
    suffix: Text(64) = Field("", description="Shown text just after the quote.")
    start: int | None = Field(None, ge=0, le=10_000_000, description="Offset in the shown text (with end).")
    end: int | None = Field(None, ge=0, le=10_000_000, description="Offset in the shown text, exclusive.")
    visibility: VisibilityName = "private"
    group: Id | None = None
    anonymous: bool = Field(False, description="Shown to classmates without your name (a group note, where the group allows it).")
    links: list[LinkIn] = Field(default_factory=list, max_length=20)


class AnnotationReplace(Body):
    """PUT: every editable field; what is left out takes its default (anonymous aside)."""

    body: Text(20000) = ""
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    visibility: VisibilityName = "private"
    group: Id | None = None
    anonymous: bool | None = Field(None, description="Left out, it stays as it is: leaving it out never shows your name.")
    links: list[LinkIn] = Field(default_factory=list, max_length=20)


class AnnotationPatch(Body):
    """PATCH: only the fields sent change (group may be null: no group)."""

    body: Text(20000) = Unset()
    tags: Annotated[list[TagName], Field(max_length=50)] = Unset()
    visibility: VisibilityName = Unset()
    group: Id | None = None
    anonymous: bool = Unset()
    links: Annotated[list[LinkIn], Field(max_length=20)] = Unset()


class ReplyCreate(Body):
    body: Text(20000, min_length=1)
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    anonymous: bool = Field(False, description="Shown to classmates without your name, where the group allows it.")


class AnnotationFilters(Schema):
    """The search page's filters (paper text aside: this lists annotations only)."""

    q: Text(500) = Field("", description="Full-text query: words, \"phrases\", -excluded.")
    document: Slug | None = None
    section: Text(20) = ""
    kind: Literal["", "note", "reply", "prompt"] = ""
    tag: Text(100) = ""
    author: Text(150) = Field("", description="Username or display name (anonymous posts are found only by those who may know their author).")
    group: Id | None = None
    visibility: Literal["", "private", "group", "public"] = ""
    relation: Text(40) = ""
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class Page(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


# --- Tags and groups ------------------------------------------------------------------------


class TagOut(Schema):
    name: str
    slug: str
    count: int


class TagList(Schema):
    count: int
    items: list[TagOut]


class GroupOut(Schema):
    id: int
    name: str
    description: str
    role: str | None = Field(description="Your role; null for a superuser who is not a member.")
    member_count: int


class DocumentList(Schema):
    count: int
    items: list[DocumentOut]


class ParagraphList(Schema):
    count: int
    items: list[ParagraphOut]
