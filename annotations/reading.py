"""What the reading page shows in the margin: annotations, counts, backlinks and highlights.

reader.views.document calls margin_context(user, document, paragraphs, params) after it has
rendered the paragraphs' text (paragraph.html); this module then

* sets ``paragraph.margin`` (a ParagraphMargin) on every paragraph, for
  templates/annotations/_paragraph_margin.html: whole for the first CARD_BUDGET cards' worth
  of paragraphs, pending (a count, and where to load it from) for the rest, which the page
  loads a batch at a time as they scroll into view (annotations.views.annotations.document_margins);
* wraps each paragraph's html in ``<span class="para-content">`` (what the selection script
  measures offsets against) with ``<mark>`` around the passages shown in the margin.

Queries, whatever the number of annotations (MARGIN_QUERIES at most):
  roles (signed in), groups for the filter (signed in), the person filtered by (if any),
  counts per paragraph (with the heat strip's), the ids of the annotations shown (at most
  MARGIN_LIMIT a paragraph), those annotations, their tags, their links, the backlinks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from access.policy import has_permission, viewer_key, visible_groups
from annotations.anchoring import ReadingText, highlight
from annotations.models import RESTORE_WINDOW, Annotation, Link, Visibility, tagged_q
from annotations.permissions import (
    author_as_seen,
    author_known_q,
    author_label,
    shown_links,
    visible_annotations,
    visible_links,
)
from groups.models import StudyGroup
from groups.roles import roles_of
from reader.rendering import ReadingPage, plain_text, render_text

MARGIN_LIMIT = 5  # cards beside one paragraph (the rest on its discussion page)
CARD_BUDGET = 12  # cards rendered at once, with the page or in one batch: bounds both at any data size;
# twelve already reach below a tall window (MARGIN_LIMIT cards beside one paragraph fill 900 px)
BATCH_PARAGRAPHS = 100  # at most, in a batch asked for by URL (the page's own batches are CARD_BUDGET cards)
BACKLINK_LIMIT = 5
MARGIN_QUERIES = 9


@dataclass
class MarginFilter:
    """The margin's filter, from the page's GET parameters (so a filtered page is a link):
    show=mine|public, group=<id>, tag=<name>, by=<username>."""

    show: str = ""
    group: StudyGroup | None = None
    tag: str = ""
    person: object = None
    by: str = ""
    groups: list = field(default_factory=list)  # groups the person may filter by

    @classmethod
    def from_params(cls, user, params) -> MarginFilter:
        f = cls()
        f.groups = list(visible_groups(user)) if user.is_authenticated else []
        show = params.get("show", "")
        f.show = show if show in ("mine", "public") and (show != "mine" or user.is_authenticated) else ""
        group_id = params.get("group", "")
        f.group = next((g for g in f.groups if str(g.pk) == group_id), None)
        f.tag = params.get("tag", "").strip()[:50]
        f.by = params.get("by", "").strip()[:150]
        if f.by:
            f.person = get_user_model().objects.filter(username=f.by).first()
        return f

    @property
    def active(self) -> bool:
        return bool(self.show or self.group or self.tag or self.by)

    def q(self, user) -> Q:
        q = Q()
        if self.show == "mine":
            q &= Q(author_id=user.pk)
        elif self.show == "public":
            q &= Q(visibility=Visibility.PUBLIC)
        if self.group:
            q &= Q(visibility=Visibility.GROUP, group_id=self.group.pk)
        if self.tag:
            q &= tagged_q(self.tag)
        if self.by:
            # An anonymous post must not turn up under its author's name.
            q &= Q(author_id=self.person.pk) & author_known_q(user) if self.person else Q(pk__in=[])
        return q

    def params(self) -> dict:
        params = {"show": self.show, "group": self.group.pk if self.group else "", "tag": self.tag, "by": self.by}
        return {k: v for k, v in params.items() if v}

    def querystring(self) -> str:
        params = self.params()
        return "?" + urlencode(params) if params else ""


@dataclass
class ParagraphMargin:
    count: int = 0
    annotations: list = field(default_factory=list)
    backlinks: list = field(default_factory=list)
    backlink_count: int = 0
    batch: str = ""  # set when it comes later (margin_batches): the URL of its batch's margins

    @property
    def pending(self) -> bool:
        return bool(self.batch)

    @property
    def more(self) -> int:
        shown = sum(1 for a in self.annotations if a.deleted_at is None)
        return max(self.count - shown, 0)


def margin_context(user, document, paragraphs, params=None) -> dict:
    """The margins of the page's first paragraphs (up to CARD_BUDGET cards), and for the rest
    their counts and where their batch loads from when one of them nears the view
    (static/js/annotate.js)."""
    params = params or {}
    roles_of(user)  # loaded once here, so every check below is free
    margin_filter = MarginFilter.from_params(user, params)
    counts = document_counts(user, document, margin_filter)
    notes = {pk: n for pk, (n, _heat) in counts.items()}
    batches = margin_batches(paragraphs, notes)
    eager = batches[0] if batches else []
    margins = load_margins(user, [p.pk for p in eager], margin_filter, counts=notes)
    for batch in batches[1:]:
        url = margin_batch_url(document, batch, margin_filter)
        for paragraph in batch:
            margins[paragraph.pk] = ParagraphMargin(count=notes.get(paragraph.pk, 0), batch=url)
    for paragraph in paragraphs:
        paragraph.document = document
        _attach(paragraph, margins.get(paragraph.pk) or ParagraphMargin())
        paragraph.html = paragraph_html(paragraph)
    return {
        "margin_filter": margin_filter,
        "annotate_document": document,
        "heat_counts": {pk: heat for pk, (_notes, heat) in counts.items()},
    }


def document_counts(user, document, margin_filter) -> dict[int, tuple[int, int]]:
    """{paragraph id: (notes in its margin, notes and replies for the heat strip)}: what
    `user` may see, live; the margin's count follows the filter. One scan of the document's
    annotations for both."""
    rows = (
        visible_annotations(user, Annotation.objects.filter(paragraph__document_id=document.pk).live())
        .values("paragraph_id")
        .annotate(heat=Count("pk"), notes=Count("pk", filter=Q(parent__isnull=True) & margin_filter.q(user)))
        .order_by()
    )
    return {row["paragraph_id"]: (row["notes"], row["heat"]) for row in rows}


def margin_batches(paragraphs, counts) -> list[list]:
    """The paragraphs in reading order, cut into runs of at most CARD_BUDGET cards (a
    paragraph shows at most MARGIN_LIMIT): the first run comes with the page, each later one
    is loaded as it scrolls into view, so the page costs the same at any number of notes."""
    batches, batch, cards = [], [], 0
    for paragraph in paragraphs:
        cost = min(counts.get(paragraph.pk, 0), MARGIN_LIMIT)
        if batch and cards + cost > CARD_BUDGET:
            batches.append(batch)
            batch, cards = [], 0
        batch.append(paragraph)
        cards += cost
    if batch:
        batches.append(batch)
    return batches


def margin_batch_url(document, batch, margin_filter) -> str:
    params = {"from": batch[0].position, "to": batch[-1].position, **margin_filter.params()}
    return reverse("document_margins", args=[document.slug]) + "?" + urlencode(params)


def paragraph_margins(user, document, paragraphs, params=None, siblings=None) -> MarginFilter:
    """The margins of some of a document's paragraphs (after an edit, or a batch scrolled into
    view, for htmx to swap in); sets paragraph.margin and paragraph.html (out of band) as
    margin_context does, and returns the filter. `siblings`: all the document's paragraphs,
    when the caller has them (else one query)."""
    roles_of(user)
    margin_filter = MarginFilter.from_params(user, params or {})
    margins = load_margins(user, [p.pk for p in paragraphs], margin_filter)
    # Rendered among their document's paragraphs, so their note markers link as on the page.
    siblings = list(document.paragraphs.defer("search_vector")) if siblings is None else siblings
    ReadingPage.build(siblings)
    html = {p.pk: p.html for p in siblings}
    for paragraph in paragraphs:
        paragraph.document = document
        _attach(paragraph, margins.get(paragraph.pk) or ParagraphMargin())
        paragraph.html = paragraph_html(paragraph, html=html[paragraph.pk], swap_oob=True)
    return margin_filter


def paragraph_margin(user, paragraph, params=None) -> MarginFilter:
    """One paragraph's margin: paragraph_margins for one."""
    return paragraph_margins(user, paragraph.document, [paragraph], params)


def _attach(paragraph, margin):
    """The margin on its paragraph, and the paragraph on each of its annotations (the cards
    ask a.paragraph for its anchor; this saves a query each)."""
    paragraph.margin = margin
    for a in margin.annotations:
        a.paragraph = paragraph


def load_margins(user, paragraph_ids, margin_filter, counts=None) -> dict[int, ParagraphMargin]:
    """The margins of these paragraphs; `counts` ({paragraph id: notes}) when the caller has them."""
    margins: dict[int, ParagraphMargin] = {}
    if not paragraph_ids:
        return margins
    roots = visible_annotations(user, Annotation.objects.filter(paragraph_id__in=paragraph_ids).roots()).filter(
        margin_filter.q(user)
    )
    if counts is None:
        counts = dict(roots.live().values_list("paragraph_id").annotate(n=Count("pk")).order_by())
    for pk in paragraph_ids:
        if counts.get(pk):
            margins[pk] = ParagraphMargin(count=counts[pk])

    if margins or user.is_authenticated:
        for annotation in shown_annotations(user, roots):
            margins.setdefault(annotation.paragraph_id, ParagraphMargin()).annotations.append(annotation)

    for link in backlinks(user, Link.objects.filter(target_id__in=paragraph_ids)):
        margin = margins.setdefault(link.target_id, ParagraphMargin())
        margin.backlinks.append(link)
        margin.backlink_count = link.total
    return margins


def shown_annotations(user, roots):
    """The first MARGIN_LIMIT live annotations of each paragraph, plus the person's own
    recently deleted ones (shown with a Restore button), decorated for the template."""
    now = timezone.now()
    recently_deleted_mine = Q(author_id=user.pk, deleted_at__gte=now - RESTORE_WINDOW) if user.is_authenticated else Q(pk__in=[])
    from discussions.margin import annotate_margin  # votes, visible replies, curation: same query

    # First the ids of the first MARGIN_LIMIT of each paragraph (a window function), then those
    # rows with the costlier per-card columns (votes, visible replies). Two queries, because as
    # one (pk IN (window subquery)) the planner may rescan the subquery for every annotation.
    first = list(
        roots.filter(Q(deleted_at__isnull=True) | recently_deleted_mine)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("paragraph_id")], order_by=[F("created").asc(), F("pk").asc()]),
        )
        .filter(rank__lte=MARGIN_LIMIT)
        .values_list("pk", flat=True)
    )
    if not first:
        return []
    rows = (
        annotate_margin(user, Annotation.objects.filter(pk__in=first))
        .select_related("author", "group", "curation")
        .order_by("paragraph_id", "created", "pk")
        .prefetch_related("tags", Prefetch("links", queryset=shown_links(user)))
    )
    annotations = list(rows)
    for a in annotations:
        decorate(user, a)
    return annotations


def decorate(user, a):
    """What the templates ask of an annotation, worked out without queries."""
    a._seen_by = viewer_key(user)  # loaded through visible_annotations(user)
    a.author_known, a.shown_author = author_as_seen(user, a)
    a.can_edit = has_permission(user, "annotation.edit", a)
    a.can_delete = has_permission(user, "annotation.delete", a)
    a.can_restore = a.deleted_at is not None and has_permission(user, "annotation.restore", a)
    a.shown_quote = plain_text(a.quote) if a.quote else ""
    a.shown_written_on = plain_text(a.written_on) if a.written_on else ""
    return a


def backlinks(user, links):
    """Links into these paragraphs from annotations `user` may see: the newest BACKLINK_LIMIT
    for each paragraph, each with the total (a window function, so one query)."""
    rows = (
        visible_links(user, links)
        .select_related("annotation__author", "annotation__paragraph__document", "annotation__curation")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("target_id")], order_by=[F("created").desc(), F("pk").desc()]),
            total=Window(Count("pk"), partition_by=[F("target_id")]),
        )
        .filter(rank__lte=BACKLINK_LIMIT)
        .order_by("target_id", "-created")
    )
    links = list(rows)
    for link in links:
        source = link.annotation
        source._seen_by = viewer_key(user)  # visible_links(user) asked
        source.shown_author = author_label(user, source)
        source.shown_quote = plain_text(source.quote) if source.quote else ""
    return links


def paragraph_html(paragraph, html=None, swap_oob=False):
    """The paragraph's text html with its shown passages marked, in the span the selection
    script measures against (data-anchor names the paragraph)."""
    html = str(getattr(paragraph, "html", None) or render_text(paragraph)) if html is None else str(html)
    ranges = [
        (a.start, a.end, a.pk)
        for a in paragraph.margin.annotations
        if a.start is not None and a.deleted_at is None
    ]
    if ranges:
        html = highlight(html, ReadingText.of(paragraph, html), ranges)
    anchor = escape(paragraph.anchor)
    oob = ' hx-swap-oob="true"' if swap_oob else ""
    return mark_safe(f'<span class="para-content" id="t-{anchor}" data-anchor="{anchor}"{oob}>{html}</span>')
