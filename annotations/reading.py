"""The reading page's margins: annotations, counts, backlinks and highlights, as values.

``page_margins(user, document, page, params)`` takes the paper's rendered text (a
reader.rendering.ReadingPage, the same for every reader) and returns Margins: the filter, and
for every paragraph a MarginedParagraph (its rendered text, that text marked where the shown
passages are, and its ParagraphMargin, for templates/annotations/_paragraph_margin.html). The
margin is whole for the first CARD_BUDGET cards' worth of paragraphs and pending (a count, and
where to load it from) for the rest, which the page loads a batch at a time as they scroll
into view (annotations.views.annotations.document_margins, through ``paragraph_margins``).
Nothing here changes the objects it is given; the cards are annotations.presenters' values.

Queries, whatever the number of annotations (MARGIN_QUERIES at most):
  roles (signed in), groups for the filter (signed in), the person filtered by (if any),
  counts per paragraph (with the heat strip's; only for the whole page: a batch's come with
  the next), the ids of the annotations shown (at most MARGIN_LIMIT a paragraph, or as many
  as a margin grown in place asks for), those annotations, their tags, their links, the
  backlinks' ids and totals, those backlinks, and for a member of a group that hides notes
  until one has posted, how many are held back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from access.policy import viewer_key, visible_groups
from annotations.anchoring import highlighted
from annotations.models import RESTORE_WINDOW, Annotation, Link, Visibility, tagged_q
from annotations.permissions import (
    author_known_q,
    author_label,
    visible_annotations,
    visible_links,
    withheld_annotations,
)
from annotations.presenters import AnnotationCard, card_queryset, present, shorten
from annotations.rendering import excerpt
from groups.models import StudyGroup
from groups.roles import roles_of
from reader.rendering import ReadingPage, RenderedParagraph, paragraph_title, plain_text

MARGIN_LIMIT = 5  # cards beside one paragraph (the rest on its discussion page)
MARGIN_GROW = 50  # cards more each time a reader asks for the rest of a margin in place
MARGIN_MAX = 205  # cards a margin holds at most (beyond, its discussion page lists them)
CARD_BUDGET = 12  # cards rendered with the page: bounds it at any data size; twelve already reach
# below a tall window (MARGIN_LIMIT cards beside one paragraph fill 900 px)
# Cards in each later batch. Most of a batch's cost is the same at any size (its ten queries,
# the permission rules in each): 10 cards took 28 ms of CPU, 43 took 56. Three windows' worth
# a request, so a reader scrolling on asks once where twelve asked three times.
BATCH_BUDGET = 36
BATCH_PARAGRAPHS = 100  # at most, in a batch asked for by URL (the page's own are BATCH_BUDGET cards)
BACKLINK_LIMIT = 5
MARGIN_QUERIES = 11
# A margin's order: what an instructor pinned, then what they endorsed, then oldest first (the
# curation row is the discussions app's: looked up by name, as annotations.permissions does).
MARGIN_ORDER = [
    F("curation__pinned_at").desc(nulls_last=True),
    F("curation__endorsed_at").desc(nulls_last=True),
    F("created").asc(),
    F("pk").asc(),
]


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


@dataclass(frozen=True)
class Backlink:
    """A note elsewhere linking to this paragraph, as its margin shows it."""

    relation: str
    url: str
    where: str  # "Other paper, § 2, ¶ 7", or "§ 2, ¶ 7" within this paper
    author_label: str
    preview: str  # plain text: the note's excerpt, else its passage, else its paragraph


@dataclass
class ParagraphMargin:
    count: int = 0
    cards: list[AnnotationCard] = field(default_factory=list)
    passages: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, annotation id) to mark
    backlinks: list[Backlink] = field(default_factory=list)
    backlink_count: int = 0
    withheld: int = 0  # classmates' notes held back until this person posts here (hide until posted)
    batch: str = ""  # set when it comes later (margin_batches): the URL of its batch's margins
    limit: int = MARGIN_LIMIT  # cards asked for: more once the reader asked for the rest (margin_limit)

    @property
    def pending(self) -> bool:
        return bool(self.batch)

    @property
    def grown(self) -> bool:
        return self.limit > MARGIN_LIMIT

    @property
    def next_limit(self) -> int:
        """The cards to ask for to show more in place; 0 when the margin holds all it may."""
        return min(self.limit + MARGIN_GROW, MARGIN_MAX) if self.limit < MARGIN_MAX else 0

    @property
    def more(self) -> int:
        shown = sum(1 for card in self.cards if not card.deleted)
        return max(self.count - shown, 0)


@dataclass(frozen=True)
class MarginedParagraph:
    """A paragraph with its margin: its rendered text, that text marked where the margin's
    passages are (in the span the selection script measures against), and the margin."""

    text: RenderedParagraph
    html: SafeString
    margin: ParagraphMargin
    block: SafeString = ""  # the whole text column (page_margins of a kept ReadingPage only)
    margin_html: SafeString = ""  # the margin already rendered (a pending one, live.reading.with_rendered_parts)

    @property
    def pk(self):
        return self.text.pk

    @property
    def anchor(self):
        return self.text.anchor

    @property
    def position(self):
        return self.text.paragraph.position

    @property
    def kind(self):
        return self.text.kind

    @property
    def label(self):
        return self.text.label

    @property
    def heading_level(self):
        return self.text.heading_level

    @property
    def backlink(self):
        return self.text.backlink

    @property
    def page_mark(self):
        return self.text.page_mark


@dataclass(frozen=True)
class Margins:
    filter: MarginFilter
    paragraphs: list[MarginedParagraph]  # in the order asked for
    heat_counts: dict[int, int] = field(default_factory=dict)  # {paragraph id: notes and replies}, page_margins only
    withheld: dict[int, int] = field(default_factory=dict)  # {paragraph id: notes held back}, page_margins only


@dataclass(frozen=True)
class MarginPlan:
    """What the page's margins are cut from, before any card is built: the filter, the counts
    (with the heat strip's), the notes held back, and the runs of paragraphs (margin_batches),
    the first of which comes with the page. Everything a pending margin shows is here."""

    filter: MarginFilter
    counts: dict[int, tuple[int, int]]  # document_counts
    withheld: dict[int, int]  # withheld_counts
    batches: list[list[RenderedParagraph]]

    @property
    def eager(self) -> list[int]:
        """The ids of the paragraphs whose margins come whole with the page."""
        return [p.pk for p in self.batches[0]] if self.batches else []


def plan_margins(user, document, page: ReadingPage, params=None) -> MarginPlan:
    """The page's MarginPlan. Queries: roles, groups for the filter and the person filtered
    by (signed in), the counts, and the notes held back (in a group that hides them)."""
    roles_of(user)  # loaded once here, so every check below is free
    margin_filter = MarginFilter.from_params(user, params or {})
    counts = document_counts(user, document, margin_filter)
    batches = margin_batches(page.paragraphs, {pk: n for pk, (n, _heat) in counts.items()})
    withheld = withheld_counts(user, Q(paragraph__document_id=document.pk))
    return MarginPlan(margin_filter, counts, withheld, batches)


def page_margins(user, document, page: ReadingPage, params=None, plan: MarginPlan | None = None) -> Margins:
    """The margins of the whole page: those of its first paragraphs (up to CARD_BUDGET cards),
    and for the rest their counts and where their batch loads from when one of them nears
    the view (static/js/annotate.js). `plan`: plan_margins', when the caller has it."""
    plan = plan or plan_margins(user, document, page, params)
    notes = {pk: n for pk, (n, _heat) in plan.counts.items()}
    withheld = plan.withheld
    margins = load_margins(user, plan.eager, plan.filter, counts=notes, withheld=withheld)
    for batch in plan.batches[1:]:
        url = margin_batch_url(document, batch, plan.filter)
        for paragraph in batch:
            margins[paragraph.pk] = ParagraphMargin(
                count=notes.get(paragraph.pk, 0), withheld=withheld.get(paragraph.pk, 0), batch=url
            )
    return Margins(
        filter=plan.filter,
        paragraphs=[_margined(p, margins.get(p.pk) or ParagraphMargin(), page=page) for p in page.paragraphs],
        heat_counts={pk: heat for pk, (_notes, heat) in plan.counts.items()},
        withheld=withheld,
    )


def withheld_counts(user, where: Q) -> dict[int, int]:
    """{paragraph id: notes held back from `user` until they post there} (withheld_annotations):
    no query for whoever is in no group that hides notes until one has posted."""
    held = withheld_annotations(user, Annotation.objects.roots().filter(where))
    if not held.query.is_empty():
        return dict(held.values_list("paragraph_id").annotate(n=Count("pk")).order_by())
    return {}


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


def heat_level(value: int, maximum: int) -> int:
    """How hot a paragraph's count is, for the reading page's heat strip and the dashboard's:
    0 for nothing, else 1..5 in proportion to the busiest (so one note is never level 0)."""
    if value <= 0 or maximum <= 0:
        return 0
    return max(1, min(5, -(-value * 5 // maximum)))


def margin_batches(paragraphs, counts) -> list[list]:
    """The paragraphs in reading order, cut into runs (a paragraph shows at most MARGIN_LIMIT
    cards): the first, of at most CARD_BUDGET cards, comes with the page; each later one, of at
    most BATCH_BUDGET, is loaded as it nears the view, so the page costs the same at any
    number of notes."""
    batches, batch, cards = [], [], 0
    for paragraph in paragraphs:
        cost = min(counts.get(paragraph.pk, 0), MARGIN_LIMIT)
        if batch and cards + cost > (BATCH_BUDGET if batches else CARD_BUDGET):
            batches.append(batch)
            batch, cards = [], 0
        batch.append(paragraph)
        cards += cost
    if batch:
        batches.append(batch)
    return batches


def margin_batch_url(document, batch, margin_filter) -> str:
    params = {"from": batch[0].paragraph.position, "to": batch[-1].paragraph.position, **margin_filter.params()}
    return reverse("document_margins", args=[document.slug]) + "?" + urlencode(params)


def margin_limit(value) -> int:
    """The cards a margin shows, from what a page sent (a margin the reader grew in place asks
    for as many again after a change): MARGIN_LIMIT unless a number up to MARGIN_MAX."""
    try:
        return min(max(int(value), MARGIN_LIMIT), MARGIN_MAX)
    except (TypeError, ValueError):
        return MARGIN_LIMIT


def paragraph_margins(user, document, paragraphs, params=None, limit=MARGIN_LIMIT) -> Margins:
    """The margins of some of a document's paragraphs (after an edit, or a batch scrolled into
    view, for htmx to swap in, their text out of band), `limit` cards each. The text is the
    document's kept one (ReadingPage.of), rendered among all its paragraphs, so its note
    markers link as on the page."""
    roles_of(user)
    margin_filter = MarginFilter.from_params(user, params or {})
    margins = load_margins(user, [p.pk for p in paragraphs], margin_filter, limit=limit)
    rendered = {p.pk: p for p in ReadingPage.of(document).paragraphs}
    return Margins(
        filter=margin_filter,
        paragraphs=[
            _margined(rendered[p.pk], margins.get(p.pk) or ParagraphMargin(), swap_oob=True) for p in paragraphs
        ],
    )


def paragraph_margin(user, paragraph, params=None, limit=MARGIN_LIMIT) -> Margins:
    """One paragraph's margin: paragraph_margins for one."""
    return paragraph_margins(user, paragraph.document, [paragraph], params, limit=limit)


def load_margins(
    user, paragraph_ids, margin_filter, counts=None, withheld=None, limit=MARGIN_LIMIT
) -> dict[int, ParagraphMargin]:
    """The margins of these paragraphs, `limit` cards each; `counts` ({paragraph id: notes})
    and `withheld` ({paragraph id: notes held back}) when the caller has them."""
    margins: dict[int, ParagraphMargin] = {}
    if not paragraph_ids:
        return margins
    roots = visible_annotations(user, Annotation.objects.filter(paragraph_id__in=paragraph_ids).roots()).filter(
        margin_filter.q(user)
    )
    if withheld is None:
        withheld = withheld_counts(user, Q(paragraph_id__in=paragraph_ids))
    shown, counted = [], {}
    if counts is None or user.is_authenticated or any(counts.get(pk) for pk in paragraph_ids):
        shown, counted = shown_annotations(user, roots, limit)
    counts = counted if counts is None else counts
    for pk in paragraph_ids:
        if counts.get(pk) or withheld.get(pk):
            margins[pk] = ParagraphMargin(count=counts.get(pk, 0), withheld=withheld.get(pk, 0), limit=limit)
    for annotation in shown:
        margin = margins.setdefault(annotation.paragraph_id, ParagraphMargin(limit=limit))
        margin.cards.append(present(user, annotation))
        if annotation.start is not None and annotation.deleted_at is None:
            margin.passages.append((annotation.start, annotation.end, annotation.pk))

    for link, source in backlinks(user, Link.objects.filter(target_id__in=paragraph_ids)):
        margin = margins.setdefault(link.target_id, ParagraphMargin(limit=limit))
        margin.backlinks.append(source)
        margin.backlink_count = link.total
    return margins


def shown_annotations(user, roots, limit=MARGIN_LIMIT) -> tuple[list[Annotation], dict[int, int]]:
    """The first `limit` live annotations of each paragraph, plus the person's own
    recently deleted ones (shown with a Restore button), with what their cards show; and
    {paragraph id: its live annotations}, counted by the same query."""
    now = timezone.now()
    recently_deleted_mine = Q(author_id=user.pk, deleted_at__gte=now - RESTORE_WINDOW) if user.is_authenticated else Q(pk__in=[])
    # First the ids of the first `limit` of each paragraph (a window function, which also
    # counts each paragraph's live ones: no count query of its own), then those rows with the
    # costlier per-card columns (votes, visible replies). Two queries, because as one
    # (pk IN (window subquery)) the planner may rescan the subquery for every annotation.
    first = list(
        roots.filter(Q(deleted_at__isnull=True) | recently_deleted_mine)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("paragraph_id")], order_by=MARGIN_ORDER),
            live=Window(Count("pk", filter=Q(deleted_at__isnull=True)), partition_by=[F("paragraph_id")]),
        )
        .filter(rank__lte=limit)
        .values_list("pk", "paragraph_id", "live")
    )
    if not first:
        return [], {}
    counts = {paragraph_id: live for _pk, paragraph_id, live in first if live}
    cards = card_queryset(user, Annotation.objects.filter(pk__in=[pk for pk, _p, _l in first]))
    return list(cards.order_by("paragraph_id", *MARGIN_ORDER)), counts


def backlinks(user, links) -> list[tuple[Link, Backlink]]:
    """Links into these paragraphs from annotations `user` may see: the newest BACKLINK_LIMIT
    for each paragraph, each with the total. First their ids and totals (a window function),
    then those links with what a backlink shows: as one query, the window's wrapping of every
    selected column took the ORM 7 ms to compile, more than the two queries together."""
    first = list(
        visible_links(user, links)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("target_id")], order_by=[F("created").desc(), F("pk").desc()]),
            total=Window(Count("pk"), partition_by=[F("target_id")]),
        )
        .filter(rank__lte=BACKLINK_LIMIT)
        .values_list("pk", "total")
    )
    if not first:
        return []
    totals = dict(first)
    rows = (
        Link.objects.filter(pk__in=list(totals))
        .select_related("annotation__author", "annotation__paragraph__document", "annotation__curation", "target")
        .defer("annotation__search_vector", "annotation__paragraph__search_vector", "target__search_vector")
        .order_by("target_id", "-created", "-pk")
    )
    out = []
    for link in rows:
        link.total = totals[link.pk]
        out.append((link, _backlink(user, link)))
    return out


def _backlink(user, link) -> Backlink:
    source = link.annotation
    source._seen_by = viewer_key(user)  # visible_links(user) asked: author_label need not
    paragraph = source.paragraph
    where = paragraph_title(paragraph)
    if paragraph.document_id != link.target.document_id:
        where = f"{shorten(paragraph.document.title, 50)}, {where}"
    if source.body and source.body.strip():
        preview = excerpt(source.body, 120)
    elif source.quote:
        preview = f"“{shorten(plain_text(source.quote), 100)}”"
    else:
        preview = shorten(plain_text(paragraph.text), 100)
    return Backlink(link.relation, source.get_absolute_url(), where, author_label(user, source), preview)


def _margined(rendered: RenderedParagraph, margin: ParagraphMargin, swap_oob=False, page=None) -> MarginedParagraph:
    """The paragraph's text with its shown passages marked, in the span the selection script
    measures against (data-anchor names the paragraph); with `page` (a kept ReadingPage), also
    its whole text column."""
    html = str(rendered.html)
    if margin.passages:
        html = highlighted(rendered.paragraph.text, html, tuple(margin.passages))
    anchor = escape(rendered.anchor)
    oob = ' hx-swap-oob="true"' if swap_oob else ""
    html = mark_safe(f'<span class="para-content" id="t-{anchor}" data-anchor="{anchor}"{oob}>{html}</span>')
    return MarginedParagraph(rendered, html, margin, page.block(rendered, html) if page and page.blocks else "")
