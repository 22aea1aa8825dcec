"""Search across the paper's text and the annotations a person may see.

One ranked list mixes two kinds of hits, paragraphs and annotations, so the page can paginate
and count them together: both sides are reduced to the same four columns
(kind, id, rank, created) and combined with UNION ALL, which PostgreSQL counts and slices
in one query. Only the rows of the shown page are then loaded, with their snippets.

Every annotation comes from ``permissions.visible_annotations``: counts, snippets and
filters never see anything else. Paragraphs come only from published documents.

Snippets are made by PostgreSQL (ts_headline) with private-use characters as highlight
markers; ``safe_snippet`` escapes everything and only then turns the markers into <mark>.
"""

from dataclasses import dataclass, field, fields
from datetime import date

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import CharField, Count, DateTimeField, Exists, F, FloatField, Max, OuterRef, Q, Value

from access.policy import visible_documents, visible_groups
from annotations import permissions
from annotations.models import Annotation, Link, TaggedAnnotation, Visibility
from annotations.permissions import visible_annotations
from annotations.presenters import AnnotationCard, card_queryset, present
from annotations.rendering import excerpt
from reader.models import Paragraph
from reader.search import MARK_END, MARK_START, SEARCH_CONFIG, clean_text, safe_snippet

PER_PAGE = 20
# Annotation hits considered per search: the newest this many matches, then ranked. A common
# word matches half of a million notes; ranking and counting them all took seconds.
CANDIDATE_LIMIT = 1000
# Where the newest matches are looked for first: among the last this many notes added,
# newest first. At 1M notes a common word's newest thousand lie there (5-10 ms); reading all
# its 50,000 matches took 85-140 ms. Fewer found: the next, older stretch is as long as that
# rate says it needs.
CANDIDATE_WINDOW = 20_000
# Below this rate of matches, the next stretch is read through the GIN index ANDed with its
# id range rather than walked back note by note, which PostgreSQL would otherwise choose: a
# word in 1% of notes, the slowest kind, took 25-38 ms walking 100,000 notes, 14-20 ms so.
# Above it the walk is the cheaper: gathering a common word's GIN matches costs 45-75 ms.
SPARSE_RATE = 0.02

# Kinds of hit: the paper's text, notes, replies, and discussion prompts (an instructor's
# notes marked as prompts; discussions.Curation.is_prompt).
KIND_TEXT, KIND_NOTE, KIND_REPLY, KIND_PROMPT = "text", "note", "reply", "prompt"
KIND_CHOICES = [
    ("", "Everything"), (KIND_TEXT, "Paper text"), (KIND_NOTE, "Notes"), (KIND_REPLY, "Replies"),
    (KIND_PROMPT, "Discussion prompts"),
]

# Filters that only annotations have: when one is set, paragraphs of the paper drop out.
ANNOTATION_ONLY_FILTERS = ("tag", "author", "group", "visibility", "relation", "date_from", "date_to")


@dataclass
class SearchFilters:
    q: str = ""
    document: str = ""  # slug
    section: str = ""  # "1" matches 1, 1.1, 1.2.3 ...
    kind: str = ""
    tag: str = ""
    author: str = ""  # username
    group: int | None = None
    visibility: str = ""
    relation: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self):
        for name in ("q", "document", "section", "kind", "tag", "author", "visibility", "relation"):
            setattr(self, name, clean_text(getattr(self, name), 500 if name == "q" else 200))

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) not in ("", None) for f in fields(self))

    @property
    def annotation_only(self) -> bool:
        return any(getattr(self, name) not in ("", None) for name in ANNOTATION_ONLY_FILTERS)

    def query(self) -> SearchQuery | None:
        return SearchQuery(self.q, search_type="websearch", config=SEARCH_CONFIG) if self.q else None


def _headline(expression: str, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(
        expression, query, config=SEARCH_CONFIG, start_sel=MARK_START, stop_sel=MARK_END,
        max_words=35, min_words=15, max_fragments=2, fragment_delimiter=" … ", **options,
    )


# --- Querysets ----------------------------------------------------------------------------


def section_q(prefix: str, section: str) -> Q:
    return Q(**{f"{prefix}section": section}) | Q(**{f"{prefix}section__startswith": section + "."})


def readable_document_ids(user) -> list[int]:
    """The ids of the documents `user` may read, as a list: inlined as literals, PostgreSQL
    knows how many there are. As a subquery it guessed one document (its LEFT JOIN on
    publications defeats the estimate) and searched the GIN index once per paragraph."""
    return list(visible_documents(user).values_list("pk", flat=True))


def matching_annotations(user, filters: SearchFilters, document_ids=None):
    """Live annotations `user` may see, on published documents, narrowed by every filter."""
    document_ids = readable_document_ids(user) if document_ids is None else document_ids
    where = permissions.on_documents_q(document_ids)
    if user.is_authenticated:
        # My open orphans wait on an old version, which search otherwise leaves out: I still
        # find them (through versions' Orphan rows, named by their relation, not imported).
        mine = Annotation.objects.filter(author_id=user.pk, orphanings__resolved_at__isnull=True)
        where |= Q(pk__in=mine.values("pk"))
    qs = visible_annotations(user, Annotation.objects.live()).filter(where)
    if filters.kind == KIND_NOTE:
        qs = qs.filter(parent__isnull=True)
    elif filters.kind == KIND_REPLY:
        qs = qs.filter(parent__isnull=False)
    elif filters.kind == KIND_PROMPT:
        qs = qs.filter(curation__is_prompt=True)
    elif filters.kind == KIND_TEXT:
        return qs.none()
    if filters.document:
        qs = qs.filter(paragraph__document__slug=filters.document)
    if filters.section:
        qs = qs.filter(section_q("paragraph__", filters.section))
    if filters.tag:
        qs = qs.tagged(filters.tag)
    if filters.author:
        # Only posts whose author `user` may know: an anonymous post must not be found by its author's name.
        # By username or by the name shown beside their notes, as people know them.
        named = Q(author__username__iexact=filters.author) | Q(author__display_name__iexact=filters.author)
        qs = qs.filter(permissions.author_known_q(user)).filter(named)
    if filters.group is not None:
        qs = qs.filter(group_id=filters.group)
    if filters.visibility:
        qs = qs.filter(visibility=filters.visibility)
    if filters.relation:
        qs = qs.filter(Exists(Link.objects.filter(annotation=OuterRef("pk"), relation__iexact=filters.relation)))
    if filters.date_from:
        qs = qs.filter(created__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created__date__lte=filters.date_to)
    query = filters.query()
    if query is not None:
        qs = qs.filter(search_vector=query)
    return qs


def matching_paragraphs(user, filters: SearchFilters, document_ids=None):
    """Paragraphs of documents `user` may read matching the text query (none without one)."""
    query = filters.query()
    if query is None or filters.annotation_only or filters.kind not in ("", KIND_TEXT):
        return Paragraph.objects.none()
    document_ids = readable_document_ids(user) if document_ids is None else document_ids
    qs = Paragraph.objects.filter(document_id__in=document_ids, search_vector=query)
    if filters.document:
        qs = qs.filter(document__slug=filters.document)
    if filters.section:
        qs = qs.filter(section_q("", filters.section))
    return qs


def ranked_annotations(user, filters: SearchFilters):
    """matching_annotations ordered by relevance (with a query) or newest first; for the API."""
    qs = matching_annotations(user, filters)
    query = filters.query()
    if query is not None:
        return qs.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-created", "-pk")
    return qs.order_by("-created", "-pk")


def candidate_ids(user, filters: SearchFilters, document_ids=None) -> list[int]:
    """The ids of the newest CANDIDATE_LIMIT of matching_annotations (the last added), to rank
    and count. Queries: the highest id, then one per window tried, newest first: the last
    CANDIDATE_WINDOW notes added, then the next stretch below it, as long as that window's rate
    of matches promises, then everything left (two or three as a rule). Each window reads only
    its own stretch of ids. Their ids are fetched here, once: as a subquery the ranking would
    find them again. (Plus permissions.on_documents_q's, and the walk's settings: SPARSE_RATE.)"""
    matching = matching_annotations(user, filters, document_ids).order_by("-pk").values_list("pk", flat=True)
    highest = Annotation.objects.aggregate(highest=Max("pk"))["highest"] or 0
    ids: list[int] = []
    top, window = highest, CANDIDATE_WINDOW
    walking = True
    with transaction.atomic(using=matching.db), connections[matching.db].cursor() as cursor:
        # Without parallel workers: starting two cost more than they saved on these walks
        # (a middling word at 1M: 37 ms with them, 5-30 without), and under load they only
        # take CPU from other requests.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        while top > 0:
            bottom = max(top - window, 0)
            found = list(matching.filter(pk__gt=bottom, pk__lte=top)[: CANDIDATE_LIMIT - len(ids)])
            ids += found
            if len(ids) == CANDIDATE_LIMIT:
                break
            if bottom and walking == (len(found) < SPARSE_RATE * (top - bottom)):  # SPARSE_RATE
                walking = not walking
                cursor.execute("SET LOCAL enable_indexscan = " + ("on" if walking else "off"))
            # The next stretch: half as long again as this one's rate promises for the rest;
            # all that is left if none matched here.
            missing = CANDIDATE_LIMIT - len(ids)
            window = max(window * 3 * missing // (2 * len(found)), 1) if found else bottom
            top = bottom
    return ids


def _as_hits(queryset, kind: str, rank, created):
    """A queryset reduced to the (kind, id, rank, created) rows both sides share."""
    return (
        queryset.annotate(hit_kind=Value(kind, output_field=CharField()), hit_id=F("pk"), hit_rank=rank, hit_created=created)
        .values_list("hit_kind", "hit_id", "hit_rank", "hit_created")
        .order_by()
    )


def _hit_rows(user, filters: SearchFilters, candidates: list[int], document_ids: list[int]):
    """UNION ALL of (kind, id, rank, created) rows for both sides (annotations: the candidates),
    best first."""
    query = filters.query()
    rank = SearchRank(F("search_vector"), query) if query is not None else Value(0.0, output_field=FloatField())
    annotations = _as_hits(Annotation.objects.filter(pk__any=candidates), "annotation", rank, F("created"))
    paragraphs = _as_hits(
        matching_paragraphs(user, filters, document_ids), "paragraph", rank, Value(None, output_field=DateTimeField())
    )
    return annotations.union(paragraphs, all=True)


# Page numbers past this are past any page (a thousand notes and the papers' paragraphs).
MAX_PAGE = 10_000


def _page_of_hits(hits, page_number, per_page):
    """One django Page of the (kind, id, rank, created) rows, best first. Ranked and counted in
    one query, the count a window over the same rows: a COUNT and then the page ranked the
    candidates twice (~10 ms at 1M notes). As Paginator.get_page: a page number that is not
    one gives the first page, one out of range the last."""
    try:
        number = int(page_number or 1)
    except (TypeError, ValueError):
        number = 1
    sql, params = hits.query.sql_with_params()

    def rows_of(number):
        with connections[hits.db].cursor() as cursor:
            cursor.execute(
                f"SELECT hit_kind, hit_id, hit_rank, hit_created, COUNT(*) OVER () FROM ({sql}) AS hits "
                "ORDER BY hit_rank DESC, hit_created DESC, hit_kind, hit_id DESC LIMIT %s OFFSET %s",
                [*params, per_page, (number - 1) * per_page],
            )
            return cursor.fetchall()

    rows = rows_of(number) if 1 <= number <= MAX_PAGE else []
    count = rows[0][4] if rows else (0 if number == 1 else None)
    if count is None:  # a page past the end: the last one (a COUNT, then its rows)
        count = hits.count()
        number = max(-(-count // per_page), 1)
        rows = rows_of(number) if count else []
    paginator = Paginator((), per_page)  # for the page's links: its rows are already here
    paginator.count = count
    return Page([row[:4] for row in rows], number, paginator)


@dataclass
class Hit:
    kind: str  # "paragraph" or "annotation"
    object: object
    snippet: str = ""
    quote_snippet: str = ""
    card: AnnotationCard | None = None  # for a note or reply: who wrote it, where, shared with whom, its tags


@dataclass
class SearchResults:
    page: object  # django Page of Hit
    count: int
    filters: SearchFilters
    hits: list = field(default_factory=list)
    capped: bool = False  # older matching notes may lie beyond the CANDIDATE_LIMIT considered

    @property
    def candidate_limit(self) -> int:
        return CANDIDATE_LIMIT


def search(user, filters: SearchFilters, page_number=1, per_page=PER_PAGE, document_ids=None) -> SearchResults:
    """One page of hits (`document_ids`: those `user` may read, when the caller has them).
    Queries: readable documents (unless given), candidates (candidate_ids), the page's rows
    with the count, its paragraphs, its annotations, their tags."""
    document_ids = readable_document_ids(user) if document_ids is None else document_ids
    candidates = candidate_ids(user, filters, document_ids)
    page = _page_of_hits(_hit_rows(user, filters, candidates, document_ids), page_number, per_page)
    rows = page.object_list
    paragraph_ids = [row[1] for row in rows if row[0] == "paragraph"]
    annotation_ids = [row[1] for row in rows if row[0] == "annotation"]
    query = filters.query()

    paragraphs = {}
    if paragraph_ids:
        qs = Paragraph.objects.filter(pk__in=paragraph_ids).select_related("document")
        if query is not None:
            qs = qs.annotate(headline=_headline("text", query, highlight_all=False))
        paragraphs = {p.pk: p for p in qs}

    annotations = {}
    if annotation_ids:
        qs = card_queryset(user, Annotation.objects.filter(pk__in=annotation_ids), links=False)
        if query is not None:
            qs = qs.annotate(headline=_headline("body", query), quote_headline=_headline("quote", query))
        annotations = {a.pk: a for a in qs}

    hits = []
    for kind, pk, _rank, _created in rows:
        if kind == "paragraph" and pk in paragraphs:
            p = paragraphs[pk]
            hits.append(Hit(kind, p, safe_snippet(getattr(p, "headline", None) or p.text[:300])))
        elif kind == "annotation" and pk in annotations:
            a = annotations[pk]
            card = present(user, a, links=False)
            hits.append(
                Hit(
                    kind,
                    a,
                    # Without words to mark, the note's preview (its text without Markdown).
                    safe_snippet(getattr(a, "headline", None) or excerpt(a.body, 300)),
                    safe_snippet(getattr(a, "quote_headline", None) or a.quote[:300]) if a.quote else "",
                    card=card,
                )
            )
    page.object_list = hits
    capped = len(candidates) == CANDIDATE_LIMIT
    return SearchResults(page=page, count=page.paginator.count, filters=filters, hits=hits, capped=capped)


# --- Tags -----------------------------------------------------------------------------------

TAG_SORTS = {
    "count": ("-count", "tag__name"),
    "name": ("tag__name",),
}


def visible_tag_counts(user, sort="count") -> list[dict]:
    """Rows of {tag__name, tag__slug, count}: tags on live annotations `user` may see, counted in
    SQL. A list, all of them (one row a tag), for callers to page: counting the tags scans every
    note `user` may see, as listing them does, so a COUNT would double the cost."""
    visible = visible_annotations(user, Annotation.objects.live())
    return list(
        TaggedAnnotation.objects.filter(content_object__in=visible.values("pk"))
        .values("tag__name", "tag__slug")
        .annotate(count=Count("id"))
        .order_by(*TAG_SORTS[sort])
    )


# --- The search form (GET: every state is a shareable URL) ----------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False, max_length=500)
    document = forms.ChoiceField(label="Document", required=False)
    section = forms.CharField(label="Section", required=False, max_length=20, help_text="Such as 2 or 3.1")
    kind = forms.ChoiceField(label="Kind", required=False, choices=KIND_CHOICES)
    tag = forms.CharField(label="Tag", required=False, max_length=100)
    author = forms.CharField(label="Author (name or username)", required=False, max_length=150)
    group = forms.TypedChoiceField(label="Group", required=False, coerce=int, empty_value=None)
    visibility = forms.ChoiceField(
        label="Visibility", required=False, choices=[("", "Any")] + list(Visibility.choices)
    )
    relation = forms.ChoiceField(
        label="Link relation", required=False, choices=[("", "Any")] + list(Link.Relation.choices)
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, user, documents, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["document"].choices = [("", "All documents")] + [(d.slug, d.title) for d in documents]
        groups = visible_groups(user).filter(memberships__user=user) if user.is_authenticated else []
        self.fields["group"].choices = [("", "Any")] + [(g.pk, g.name) for g in groups]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        for name in ("q", "section", "tag", "author"):
            if "\x00" in (cleaned.get(name) or ""):
                self.add_error(name, "This contains a character that is not allowed.")
        return cleaned

    def filters(self) -> SearchFilters:
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return SearchFilters(**data)
