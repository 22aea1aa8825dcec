"""The numbers on the instructor dashboard: one aggregate query per table, whatever the size.

Everything counts what the person looking may see (annotations.permissions.visible_annotations)
among the group's live notes on one document, and names authors only where they may know them
(author_known_q): anonymous posts are summed into one "Anonymous classmates" row for anyone
who may not see through them. Queries (for `build`): participation, members, paragraphs,
paragraph counts, tags, activity, open questions, waiting flags: eight, constant.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Sum, Value, When
from django.db.models.expressions import Func
from django.db.models.functions import Coalesce, TruncDate

from annotations.models import Annotation, TaggedAnnotation
from annotations.permissions import ANONYMOUS_AUTHOR, author_known_q, author_label, visible_annotations
from discussions.models import Flag
from groups.models import Membership
from reader.rendering import paragraph_number, plain_text

# A paragraph's text is cut to this many characters in tables and CSV previews.
SNIPPET_LENGTH = 90
ANONYMOUS_ROW = "Anonymous classmates"


class WordCount(Func):
    """Words in a text column: whitespace-separated runs (NULL for an empty text, which sums as 0)."""

    template = r"cardinality(regexp_split_to_array(NULLIF(btrim(%(expressions)s), ''), '\s+'))"
    output_field = IntegerField()


ROOT = Q(parent__isnull=True)
REPLY = Q(parent__isnull=False)


def group_annotations(user, group, document):
    """The group's live notes and replies on `document` that `user` may see."""
    queryset = Annotation.objects.filter(group=group, paragraph__document=document, deleted_at__isnull=True)
    return visible_annotations(user, queryset)


@dataclass
class Participation:
    name: str
    role: str
    annotations: int = 0
    replies: int = 0
    words: int = 0
    paragraphs: int = 0
    last_active: object = None
    username: str = ""

    @property
    def posts(self):
        return self.annotations + self.replies


def participation(user, group, document) -> list[Participation]:
    """Per member (and one row for anonymous posts the viewer may not attribute). Two queries."""
    base = group_annotations(user, group, document)
    # Authors the viewer may know keep their id; the rest group together under NULL.
    known = author_known_q(user)
    shown = F("author_id") if not known else Case(When(known, then=F("author_id")), default=Value(None))
    rows = (
        base.annotate(shown=shown)
        .values("shown")
        .annotate(
            annotations=Count("pk", filter=ROOT),
            replies=Count("pk", filter=REPLY),
            words=Coalesce(Sum(WordCount("body")), 0),
            paragraphs=Count("paragraph_id", distinct=True),
            last_active=Max("created"),
        )
        .order_by()
    )
    by_author = {row.pop("shown"): row for row in rows}
    table = []
    for membership in Membership.objects.filter(group=group).select_related("user").order_by("user__username"):
        row = by_author.pop(membership.user_id, {})
        table.append(Participation(
            name=str(membership.user), username=membership.user.get_username(), role=membership.get_role_display(),
            **row,
        ))
    anonymous = by_author.pop(None, None)
    # Whoever is left posted here and has since left the group (their names need no lookup:
    # they show as former members, which tells the instructor what they need).
    for _author_id, row in sorted(by_author.items()):
        table.append(Participation(name="Former member", role="", **row))
    if anonymous:
        table.append(Participation(name=ANONYMOUS_ROW, role="", **anonymous))
    table.sort(key=lambda p: (-p.posts, p.name.lower()))
    return table


@dataclass
class ParagraphHeat:
    position: int
    anchor: str
    kind: str
    snippet: str
    annotations: int = 0
    replies: int = 0

    @property
    def total(self):
        return self.annotations + self.replies

    @property
    def label(self):
        return f"¶ {paragraph_number(self)}"


def paragraph_heat(user, group, document, paragraphs=None) -> list[ParagraphHeat]:
    """Notes and replies per paragraph, in reading order (every paragraph, zeros too). Two queries."""
    counts = {
        row["paragraph_id"]: row
        for row in group_annotations(user, group, document)
        .values("paragraph_id")
        .annotate(annotations=Count("pk", filter=ROOT), replies=Count("pk", filter=REPLY))
        .order_by()
    }
    if paragraphs is None:
        paragraphs = document.paragraphs.defer("search_vector").order_by("position")
    heat = []
    for paragraph in paragraphs:
        row = counts.get(paragraph.pk, {})
        text = " ".join(plain_text(paragraph.text).split())
        heat.append(ParagraphHeat(
            position=paragraph.position, anchor=paragraph.anchor, kind=paragraph.kind,
            snippet=text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1].rstrip() + "…",
            annotations=row.get("annotations", 0), replies=row.get("replies", 0),
        ))
    return heat


def tag_distribution(user, group, document) -> list[dict]:
    """[{"tag", "count"}] most used first. One query."""
    rows = (
        TaggedAnnotation.objects.filter(content_object__in=group_annotations(user, group, document))
        .values("tag__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__name")
    )
    return [{"tag": row["tag__name"], "count": row["count"]} for row in rows]


@dataclass
class Day:
    day: date
    annotations: int = 0
    replies: int = 0

    @property
    def total(self):
        return self.annotations + self.replies


def activity(user, group, document) -> list[Day]:
    """Notes and replies per day from the first to the last active day (quiet days as zeros). One query."""
    rows = (
        group_annotations(user, group, document)
        .annotate(day=TruncDate("created"))
        .values("day")
        .annotate(annotations=Count("pk", filter=ROOT), replies=Count("pk", filter=REPLY))
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {})
        days.append(Day(day=day, annotations=row.get("annotations", 0), replies=row.get("replies", 0)))
    return days


def open_questions(user, group, document) -> list[Annotation]:
    """Unresolved questions nobody but their asker has answered, oldest first. One query."""
    answers = Count(
        "replies", filter=Q(replies__deleted_at__isnull=True) & ~Q(replies__author_id=F("author_id")), distinct=True
    )
    questions = list(
        group_annotations(user, group, document)
        .filter(ROOT, curation__is_question=True, curation__resolved_at__isnull=True)
        .select_related("author", "curation", "paragraph")
        .annotate(answers=answers)
        .filter(answers=0)
        .order_by("created")
    )
    for question in questions:
        question.shown_author = author_label(user, question)
    return questions


def waiting_flags(user, group, document) -> list[dict]:
    """Flagged notes no moderator has settled yet: [{annotation id, anchor, body, flags, first}]. One query."""
    return list(
        Flag.objects.filter(settled_at__isnull=True, annotation__in=group_annotations(user, group, document))
        .values(
            annotation_pk=F("annotation_id"), anchor=F("annotation__paragraph__anchor"),
            body=F("annotation__body"), hidden_at=F("annotation__hidden_at"),
        )
        .annotate(flags=Count("pk"), first=Min("created"))
        .order_by("first")
    )


@dataclass
class Dashboard:
    participation: list = field(default_factory=list)
    heat: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    activity: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    flags: list = field(default_factory=list)

    @property
    def totals(self):
        return {
            "annotations": sum(p.annotations for p in self.participation),
            "replies": sum(p.replies for p in self.participation),
            "active_members": sum(1 for p in self.participation if p.posts and p.role),
            "members": sum(1 for p in self.participation if p.role),
        }


def build(user, group, document) -> Dashboard:
    return Dashboard(
        participation=participation(user, group, document),
        heat=paragraph_heat(user, group, document),
        tags=tag_distribution(user, group, document),
        activity=activity(user, group, document),
        questions=open_questions(user, group, document),
        flags=waiting_flags(user, group, document),
    )


__all__ = ["ANONYMOUS_AUTHOR", "build"]
