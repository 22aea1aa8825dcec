"""Annotations shaped for display: one AnnotationCard per note or reply, as a viewer sees it.

Every page that shows a note (the reading page's margin, a thread, an annotation's page, a tag's
and a person's page) loads it with ``card_queryset`` and turns it into a card with ``present``;
templates/annotations/_card.html renders every card. A card is a plain value: the author's
name as this viewer may see it, the body rendered (annotations.rendering), a plain-text
excerpt, the tags and links, the vote and reply counts, the curation badges and the actions
this viewer may take. Templates ask it, never the model, so no page works out a permission
or a name on its own.

Votes, replies and curation belong to the discussions app, which sits above this one: it
registers its part of the card (``register_discussion``, from its AppConfig.ready) instead of
being imported here. Its columns join the cards' one query, so a list of cards costs the same
number of queries whatever its length: the annotations, their tags, their links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString

from access.policy import document_group, has_permission, viewer_key
from annotations.models import Annotation
from annotations.permissions import author_as_seen, shown_links
from annotations.rendering import excerpt, render_markdown
from config.reversing import reverse_kept
from reader.rendering import paragraph_title, plain_text

# What the annotations app itself lets a person do to a card (the discussions part adds its own).
OWN_ACTIONS = ("edit", "delete")


@dataclass(frozen=True)
class CardLink:
    relation: str
    url: str
    label: str  # the target paragraph's name and opening words (with its paper's title if another) or the site
    external: bool


@dataclass(frozen=True)
class Badge:
    kind: str  # names the CSS class badge-<kind>
    label: str


@dataclass(frozen=True)
class DiscussionPart:
    """What an app above this one adds to every card (discussions/cards.py): `columns(user,
    queryset, in_thread)` adds what it needs to the cards' query; `describe(user, annotation)` reads
    those columns back, without a query, as (its part of the card, the actions it permits)."""

    columns: Callable[[Any, QuerySet, bool], QuerySet]
    describe: Callable[[Any, Annotation], tuple[Any, frozenset[str]]]


_discussion: list[DiscussionPart] = []


def register_discussion(part: DiscussionPart) -> None:
    _discussion[:] = [part]


@dataclass(frozen=True)
class AnnotationCard:
    pk: int
    url: str  # the note's own page
    thread_url: str
    paragraph_anchor: str  # the margin it sits in (#m-<anchor>)
    where: str  # "Paper title, § 1.2, ¶ 5 — In 1981, the Sixth…" (a long title shortened)
    where_url: str
    paragraph_text: str  # plain, for lists that show a whole-paragraph note's context
    visibility: str
    visibility_label: str
    group_id: int | None
    author_label: str
    author_url: str  # empty when the viewer may not know who wrote it
    created: Any
    quote: str  # plain text of the passage, if any
    written_on: str  # the passage as it read when the note was written, if the paper has changed since
    body_html: SafeString
    excerpt: str
    has_body: bool
    tags: tuple[str, ...]
    links: tuple[CardLink, ...]
    is_root: bool
    hidden: bool
    deleted: bool
    restorable_until: Any
    actions: frozenset[str]
    discussion: Any = None  # the discussions app's part (vote and reply counts, badges, curation)
    by_instructor: bool = False
    in_reply_to: str = ""  # the parent's author, as the viewer sees them, when it is not the root
    depth: int = 0
    badges: tuple[Badge, ...] = field(default=())


def card_queryset(user, queryset: QuerySet, in_thread=False, links=True) -> QuerySet:
    """`queryset` (annotations `user` may see) with everything a card shows: author, group,
    paragraph and paper, tags, links (unless not `links`: a search hit shows the words it
    matched instead), and the discussion part's columns (votes, curation, and outside a thread
    the replies; in one, whether `user` flagged each, for its Flag action) in the same query.
    The reading page never reads flags, so its cache need not follow them."""
    # The paper's publication: whether `user` may read it, which every permission on a note
    # asks, and its group, which "public" means there.
    # Nothing shows the search vectors: loading them cost more than a card's other columns.
    qs = (
        queryset.select_related("author", "group", "paragraph__document__publication__group")
        .defer("search_vector", "paragraph__search_vector")
        .prefetch_related("tags")
    )
    if links:
        qs = qs.prefetch_related(Prefetch("links", queryset=shown_links(user)))
    for part in _discussion:
        qs = part.columns(user, qs, in_thread)
    return qs


def present(user, annotation, *, by_instructor=False, in_reply_to="", depth=0, links=True) -> AnnotationCard:
    """The card for `annotation` (from card_queryset, already known to be visible to `user`;
    `links` as it was given)."""
    annotation._seen_by = viewer_key(user)  # loaded through visible_annotations(user): may_see need not ask
    known, author = author_as_seen(user, annotation)
    paragraph = annotation.paragraph
    deleted = annotation.deleted_at is not None
    if deleted:
        actions = {"restore"} if has_permission(user, "annotation.restore", annotation) else set()
        discussion, discussion_actions = None, frozenset()
    else:
        actions = {action for action in OWN_ACTIONS if has_permission(user, f"annotation.{action}", annotation)}
        discussion, discussion_actions = _discussion[0].describe(user, annotation) if _discussion else (None, frozenset())
    badges = (Badge("instructor", "Instructor"),) if by_instructor and known else ()
    return AnnotationCard(
        pk=annotation.pk,
        url=annotation.get_absolute_url(),
        thread_url=reverse_kept("thread", annotation.pk),
        paragraph_anchor=paragraph.anchor,
        where=f"{shorten(paragraph.document.title, 60)}, {paragraph_title(paragraph)}",
        where_url=paragraph.get_absolute_url(),
        paragraph_text=plain_text(paragraph.text),
        visibility=annotation.visibility,
        visibility_label=visibility_label(annotation),
        group_id=annotation.group_id,
        author_label=author,
        author_url=reverse_kept("person", annotation.author.get_username()) if known else "",
        created=annotation.created,
        quote=plain_text(annotation.quote) if annotation.quote else "",
        written_on=plain_text(annotation.written_on) if annotation.written_on else "",
        body_html=render_markdown(annotation.body),
        excerpt=excerpt(annotation.body),
        has_body=bool(annotation.body and annotation.body.strip()),
        tags=tuple(t.name for t in annotation.tags.all()),
        links=tuple(_link(link, paragraph) for link in annotation.links.all()) if links else (),
        is_root=annotation.parent_id is None,
        hidden=annotation.hidden_at is not None,
        deleted=deleted,
        restorable_until=annotation.restorable_until,
        actions=frozenset(actions) | discussion_actions,
        discussion=discussion,
        by_instructor=by_instructor and known,
        in_reply_to=in_reply_to,
        depth=depth,
        badges=badges + (discussion.badges if discussion else ()),
    )


def visibility_label(annotation) -> str:
    if annotation.visibility == "group":
        return annotation.group.name if annotation.group_id else "Group"
    if annotation.visibility == "public" and annotation.paragraph_id:
        # "Public" on a group-only paper reaches only that group's members: say so.
        paper_group = document_group(annotation.paragraph.document)
        if paper_group is not None:
            return f"Everyone in {paper_group.name}"
    return {"private": "Only me", "public": "Public"}.get(annotation.visibility, annotation.visibility)


def _link(link, paragraph) -> CardLink:
    if not link.target_id:
        return CardLink(link.relation, link.url, _host(link.url), external=True)
    target = link.target
    text = paragraph_title(target)
    if target.document_id != paragraph.document_id:
        text = f"{shorten(target.document.title, 40)}, {text}"
    return CardLink(link.relation, target.get_absolute_url(), text, external=False)


def _host(url: str) -> str:
    """The site a link goes to, for a short label."""
    return urlsplit(url).netloc.removeprefix("www.") or url


def shorten(text: str, length: int) -> str:
    """`text` cut to at most `length` characters, with an ellipsis when cut."""
    return text if len(text) <= length else text[: length - 1] + "…"
