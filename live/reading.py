"""The reading page (/d/<slug>/), assembled in one place as a plain view model.

``reading_view`` builds a ReadingView in three steps, each taking the last one's values and
changing none of them:

1. the paper's rendered text (reader.rendering.ReadingPage.of: the same for every reader,
   rendered once per document and kept);
2. each paragraph's margin beside its text (annotations.reading.page_margins: the cards,
   counts, backlinks, and the text marked where the shown passages are);
3. the heat strip and the live updates' addresses.

It lives here, in the top layer, because it is the one place that needs all of them: reader
may not import annotations, and the heat strip and live updates are this app's. The
paper's text comes kept (reader.rendering.ReadingPage.of); the margins are this reader's.

The heat strip's counts (notes and replies the person may see, per paragraph) come from the
margin's count query (annotations.reading.document_counts): no query of its own.

``reading_state`` says, before any card is built, whether any of that may have changed for
a person: from the margins' plan (annotations.reading.plan_margins: the counts, which are all
a pending margin and the heat strip show) and one query for the rows the margins that come
whole are built from. The view's ETag is made from it, so a reload with nothing changed
answers 304 for the price of those queries; the plan is not asked for twice when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from html import escape as html_escape
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag

from annotations.models import Annotation, Link, TaggedAnnotation
from annotations.reading import MarginedParagraph, MarginFilter, MarginPlan, ParagraphMargin, heat_level, page_margins
from discussions.models import Curation, Vote
from groups.models import GroupSettings, Membership, StudyGroup
from reader.models import Document, Paragraph
from reader.rendering import OutlineEntry, ReadingPage, is_front_matter, paragraph_number
from reader.search import search_document
from versions.models import Publication


@dataclass(frozen=True)
class HeatCell:
    anchor: str
    label: str
    count: int
    level: int
    withheld: int = 0  # classmates' notes held back until the person posts there
    html: SafeString = ""  # the cell rendered (with_rendered_parts)


@dataclass(frozen=True)
class LiveUpdates:
    stream: str
    poll: str
    margin: str  # a paragraph's margin, with "__anchor__" for the paragraph
    since: str  # the moment (ms) after which events are new to this page
    shown_after: int = 0  # the newest event the page's contents already show (live.delivery.last_event_id)


@dataclass(frozen=True)
class ReadingView:
    document: object
    front_matter: list[MarginedParagraph]
    body: list[MarginedParagraph]
    outline: list[OutlineEntry]
    search: object  # reader.search's result for ?q=
    margin_filter: MarginFilter
    heat_cells: list[HeatCell]
    heat_total: int
    live: LiveUpdates


def reading_view(user, document, params, since: str, plan: MarginPlan | None = None, shown_after: int = 0) -> ReadingView:
    """The reading page of `document` as `user` sees it. `since`: when live updates start
    (live.delivery allows for clock skew); `plan`: the margins' plan, if the caller has it.
    Queries: the search (with ?q=), page_margins' (the paragraphs come with the kept text,
    after the first view of the document in this process)."""
    page = ReadingPage.of(document)
    margins = page_margins(user, document, page, params, plan=plan)
    cells = heat_strip(margins.paragraphs, margins.heat_counts, margins.withheld)
    return ReadingView(
        document=document,
        front_matter=[p for p in margins.paragraphs if is_front_matter(p)],
        body=[p for p in margins.paragraphs if not is_front_matter(p)],
        outline=page.outline,
        search=search_document(document, params.get("q", "")),
        margin_filter=margins.filter,
        heat_cells=cells,
        heat_total=sum(c.count for c in cells),
        live=LiveUpdates(
            stream=reverse("live_stream", args=[document.slug]),
            poll=reverse("live_poll", args=[document.slug]),
            margin=reverse("paragraph_margin", args=[document.slug, "__anchor__"]),
            since=since,
            shown_after=shown_after,
        ),
    )


# Stand-ins for what differs between the pending margins (a count, the notes held back, the
# paragraph, its batch's address) and between the heat strip's cells, so that a margin's or a
# cell's template is rendered once per shape rather than once per paragraph (a pending margin
# cost 0.25 ms, 80 a page; a cell 0.1 ms), then filled in, as the kept text is
# (reader.rendering.TEXT_HOLE). No one can type them: derived from SECRET_KEY; the
# paragraph's is a slug, as anchors are, for the addresses it goes into.
_HOLES = {name: "h" + salted_hmac("live.reading.holes", name).hexdigest()[:20] for name in (
    "anchor", "count", "withheld", "batch", "label", "level")}


class _Hole(int):
    """A count standing in the template: its value chooses the branches and plurals, its text
    is the hole."""

    def __new__(cls, value, text):
        hole = super().__new__(cls, value)
        hole.text = text
        return hole

    def __str__(self):
        return self.text


def _counts(count, withheld):
    """The shape of a margin or cell (no count, one, more; likewise held back) and stand-ins for both."""
    shape = min(count, 2), min(withheld, 2)
    stand_ins = (_Hole(n, _HOLES[name]) if n else 0 for n, name in zip(shape, ("count", "withheld")))
    return shape, *stand_ins


def _filled(shapes: dict, shape, stand_in, render, values: dict) -> SafeString:
    """render(stand_in()), once per shape (kept in `shapes`), with each hole filled in with its
    value, escaped as the template escapes it (a count as plain digits: USE_THOUSAND_SEPARATOR
    is off, so the template's localize writes those too; text as django.utils.html.escape
    does, without its lazy-string wrapper, which cost 5 % of the page: 800 holes a view)."""
    if shape not in shapes:
        shapes[shape] = render(stand_in())
    html = shapes[shape]
    for name, value in values.items():
        html = html.replace(_HOLES[name], str(value) if isinstance(value, int) else html_escape(value))
    return mark_safe(html)


def with_rendered_parts(view: ReadingView, render_margin, render_cell) -> ReadingView:
    """`view` with each pending margin (MarginedParagraph.margin_html) and each heat cell
    (HeatCell.html) rendered: `render_margin(paragraph)` renders
    templates/annotations/_paragraph_margin.html and `render_cell(cell)`
    templates/live/_heat_cell.html, in the page's context, each once per shape."""
    margins, cells = {}, {}

    def margin(paragraph):
        m = paragraph.margin
        if not m.pending:
            return paragraph
        shape, count, withheld = _counts(m.count, m.withheld)
        stand_in = lambda: SimpleNamespace(  # noqa: E731
            anchor=_HOLES["anchor"], margin=ParagraphMargin(count=count, withheld=withheld, batch=_HOLES["batch"]))
        values = {"anchor": paragraph.anchor, "count": m.count, "withheld": m.withheld, "batch": m.batch}
        return replace(paragraph, margin_html=_filled(margins, shape, stand_in, render_margin, values))

    def cell(c):
        shape, count, withheld = _counts(c.count, c.withheld)
        stand_in = lambda: HeatCell(_HOLES["anchor"], _HOLES["label"], count, _HOLES["level"], withheld)  # noqa: E731
        values = {"anchor": c.anchor, "label": c.label, "count": c.count, "level": c.level, "withheld": c.withheld}
        return replace(c, html=_filled(cells, shape, stand_in, render_cell, values))

    return replace(view, front_matter=[margin(p) for p in view.front_matter], body=[margin(p) for p in view.body],
                   heat_cells=[cell(c) for c in view.heat_cells])


def heat_strip(paragraphs, counts, withheld=None) -> list[HeatCell]:
    """One cell per paragraph in reading order, with how many notes and replies the person may
    see there (counts: {paragraph id: n}) and how many notes wait for them to post there."""
    withheld = withheld or {}
    busiest = max(counts.values(), default=0)
    cells = []
    for paragraph in paragraphs:
        count = counts.get(paragraph.pk, 0)
        cells.append(
            HeatCell(
                paragraph.anchor, f"¶ {paragraph_number(paragraph)}", count, heat_level(count, busiest),
                withheld.get(paragraph.pk, 0),
            )
        )
    return cells


# Every row the margins that come whole with the page are built from, each as "<table letter>
# <id>.<xmin><ctid>": every UPDATE writes a new row version, with the writing transaction's id
# (xmin) at a new place (ctid), whichever code path (or the admin, or SQL) made it, so a row
# changed, added or deleted changes the sum, with no trigger and no timestamp to keep. The
# rows: the notes and replies on those paragraphs (all of them, whoever may see them: one
# the reader may not see costs only a rebuild), their curation, votes, tags (the tagging and
# the tag's name), links and the paragraphs and papers these point at; the links into those
# paragraphs with their notes, those notes' paragraphs and papers; the authors; the viewer's
# own row, memberships and groups (with their settings; every group for a superuser); the
# paper and its publication. A row the page reads but not listed here would leave a reload
# stale: add it with what reads it (tests/test_reading_cache.py makes each change).
_STATE_SQL = """
WITH notes AS (
  SELECT n.id, n.xmin || n.ctid::text AS x, n.author_id, n.group_id, n.created
  FROM {annotation} n WHERE n.paragraph_id = ANY(%(paragraphs)s)
), backlinks AS (
  SELECT l.id, l.xmin || l.ctid::text AS x, l.annotation_id FROM {link} l WHERE l.target_id = ANY(%(paragraphs)s)
), sources AS (
  SELECT s.id, s.xmin || s.ctid::text AS x, s.author_id, s.paragraph_id FROM {annotation} s
  WHERE s.id IN (SELECT annotation_id FROM backlinks)
), links AS (
  SELECT l.id, l.xmin || l.ctid::text AS x, l.target_id FROM {link} l WHERE l.annotation_id IN (SELECT id FROM notes)
), elsewhere AS (
  SELECT p.id, p.xmin || p.ctid::text AS x, p.document_id FROM {paragraph} p
  WHERE p.id IN (SELECT paragraph_id FROM sources UNION SELECT target_id FROM links)
), papers AS (
  SELECT %(document)s AS id UNION SELECT document_id FROM elsewhere
), groups AS (
  SELECT g.id, g.xmin || g.ctid::text AS x FROM {group} g
  WHERE %(superuser)s
     OR g.id IN (SELECT group_id FROM notes UNION SELECT group_id FROM {membership} WHERE user_id = %(user)s)
), tagged AS (
  SELECT t.id, t.xmin || t.ctid::text AS x, t.tag_id FROM {tagged} t WHERE t.content_object_id IN (SELECT id FROM notes)
), versions (v) AS (
            SELECT 'a' || id || '.' || x FROM notes
  UNION ALL SELECT 'b' || id || '.' || x FROM backlinks
  UNION ALL SELECT 's' || id || '.' || x FROM sources
  UNION ALL SELECT 'l' || id || '.' || x FROM links
  UNION ALL SELECT 'p' || id || '.' || x FROM elsewhere
  UNION ALL SELECT 't' || id || '.' || x FROM tagged
  UNION ALL SELECT 'g' || id || '.' || x FROM groups
  UNION ALL SELECT 'n' || tag.id || '.' || tag.xmin || tag.ctid::text FROM {tag} tag
            WHERE tag.id IN (SELECT tag_id FROM tagged)
  UNION ALL SELECT 'c' || c.annotation_id || '.' || c.xmin || c.ctid::text FROM {curation} c
            WHERE c.annotation_id IN (SELECT id FROM notes UNION ALL SELECT id FROM sources)
  UNION ALL SELECT 'v' || v.id || '.' || v.xmin || v.ctid::text FROM {vote} v
            WHERE v.annotation_id IN (SELECT id FROM notes)
  UNION ALL SELECT 'u' || u.id || '.' || u.xmin || u.ctid::text FROM {user} u
            WHERE u.id = %(user)s OR u.id IN (SELECT author_id FROM notes UNION SELECT author_id FROM sources)
  UNION ALL SELECT 'm' || m.id || '.' || m.xmin || m.ctid::text FROM {membership} m WHERE m.user_id = %(user)s
  UNION ALL SELECT 'G' || gs.group_id || '.' || gs.xmin || gs.ctid::text FROM {settings} gs
            WHERE gs.group_id IN (SELECT id FROM groups)
  UNION ALL SELECT 'd' || d.id || '.' || d.xmin || d.ctid::text FROM {document} d WHERE d.id IN (SELECT id FROM papers)
  UNION ALL SELECT 'P' || pub.id || '.' || pub.xmin || pub.ctid::text FROM {publication} pub
            WHERE pub.document_id IN (SELECT id FROM papers)
)
SELECT count(*), coalesce(sum(hashtextextended(v, 0)), 0), (SELECT max(created) FROM notes) FROM versions
""".format(**{name: model._meta.db_table for name, model in {
    "annotation": Annotation, "paragraph": Paragraph, "link": Link, "group": StudyGroup, "membership": Membership,
    "tagged": TaggedAnnotation, "tag": Tag, "curation": Curation, "vote": Vote, "user": get_user_model(),
    "settings": GroupSettings, "document": Document, "publication": Publication,
}.items()})


def reading_state(user, document, plan: MarginPlan, now: datetime) -> str:
    """What `document`'s reading page, as `user` sees it at `now`, is built from, as a string
    that changes whenever any of it changes: the margins' plan (`plan`: the counts and the
    notes held back, which are all that the pending margins and the heat strip show) and the
    rows the whole margins are built from (one query, _STATE_SQL). Time is part of it: the
    cards say when they were written ("5 minutes ago"), so the state moves on each minute
    while the newest of those notes is under a day old, each hour under two weeks, then each
    day (a copy kept by a browser is at most that far behind)."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL, {
            "paragraphs": plan.eager, "document": document.pk, "user": user.pk,
            "superuser": bool(user.is_authenticated and user.is_superuser),
        })
        rows, versions, newest = cursor.fetchone()
    age = now - newest if newest else timedelta.max
    step = 60 if age < timedelta(days=1) else 3600 if age < timedelta(days=14) else 86400
    counts = sorted(plan.counts.items()), sorted(plan.withheld.items())
    return f"{counts}.{rows}.{versions}.{int(now.timestamp()) // step}"
