"""A study group carried into a new term, and following a group to its newest term.

``copy_group_into_new_term`` makes the new group in one transaction: its settings, its
instructors and moderators, the prompts and discussion guides (with the staff's own notes the
guides use) on the current version of each paper, and the assignments without their dates.
Students, their notes, votes and flags stay behind. A note written on an older version is
placed on the current one as a new version places it (versions/moving.py); one that cannot be
placed is copied as an open orphan on its old paragraph, as a new version leaves it, so the
new group's instructors attach it from the orphans page; the report names each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from access.policy import document_group
from annotations.models import Annotation, Link, TaggedAnnotation
from courses.models import Assignment, TermCopy
from discussions.models import Curation, Guide, GuideStep
from groups.models import GroupSettings, Membership, Role, StudyGroup
from groups.roles import forget_roles
from reader.models import Document
from reader.versioning import Outcome
from versions import following
from versions.models import DocumentVersion, Orphan
from versions.moving import place_on, plan

STAFF = (Role.INSTRUCTOR, Role.MODERATOR)
RESUBMITTED_WITHIN = timedelta(minutes=1)
# An assignment's copy keeps every other field, so fields added to Assignment later carry over;
# its dates are the new term's to set.
ASSIGNMENT_FIELDS_NOT_CARRIED = {"id", "group", "guide", "created", "updated", "due_at"}
# The copy of a note: what it says and where; not its thread, history or moderation.
NOTE_FIELDS = ("author_id", "body", "quote", "prefix", "suffix", "start", "end", "written_on", "visibility")


@dataclass
class TermReport:
    """What a copy into a new term carried over, and what it did not."""

    group: StudyGroup
    again: bool = False  # asked for again just after: this is the copy made then, not a new one
    staff: int = 0
    prompts: int = 0
    notes: int = 0  # the staff's notes that the guides use, besides prompts
    guides: int = 0
    assignments: int = 0
    orphans: list[Orphan] = field(default_factory=list)  # copies no version could place
    left_out: list[str] = field(default_factory=list)  # in words, for the instructor


class _Papers:
    """The current version of each paper asked about, looked up once."""

    def __init__(self):
        self._current: dict[int, Document] = {}

    def current(self, document: Document) -> Document:
        if document.pk not in self._current:
            self._current[document.pk] = following.current_document(document)
        return self._current[document.pk]

    def only_for(self, document: Document) -> StudyGroup | None:
        """The group a paper is published for alone, which the new group cannot read (a
        Publication names one group); None for a library paper."""
        return document_group(self.current(document))


@transaction.atomic
def copy_group_into_new_term(group: StudyGroup, *, name: str, by) -> StudyGroup:
    """The new term's group, named ``name``, with ``by`` as an instructor. What was and was not
    copied is on its ``term_report`` (a TermReport). The same copy asked for again within
    RESUBMITTED_WITHIN (a double click, a reload after the POST) is that copy, not a second one."""
    # The source's row locked: of two submissions at once, the second waits and finds the first's copy.
    StudyGroup.objects.select_for_update().filter(pk=group.pk).get()
    made = (
        TermCopy.objects.filter(
            source=group, created_by=by, copy__name=name, created__gte=timezone.now() - RESUBMITTED_WITHIN
        ).select_related("copy").order_by("-created").first()
    )
    if made is not None:
        made.copy.term_report = TermReport(made.copy, again=True)
        return made.copy
    new = StudyGroup.objects.create(name=name, description=group.description, created_by=by)
    report = TermReport(new)
    papers = _Papers()
    _copy_settings(group, new)
    report.staff = _copy_staff(group, new, by)
    copies = _copy_notes(group, new, papers, report)
    guides = _copy_guides(group, new, copies, papers, report)
    _copy_assignments(group, new, guides, papers, report)
    TermCopy.objects.create(source=group, copy=new, created_by=by)
    new.term_report = report
    return new


@dataclass(frozen=True)
class Carried:
    """What copying a group would carry over and leave behind, counted for the copy form."""

    prompts: int
    notes: int
    guides: int
    assignments: int
    staff: int
    members: int
    private_papers: list[str]  # titles of papers published for this group alone: left out


def what_carries(group: StudyGroup) -> Carried:
    """Counted as the copy would choose them. Queries: the notes, guides, assignments, their
    papers, the roles; for each paper its current version and whom that is published for."""
    papers = _Papers()
    notes = list(_carried_notes(group).values_list("paragraph__document_id", "curation__is_prompt"))
    guides = list(Guide.objects.filter(group=group).values_list("document_id", flat=True))
    assignments = list(Assignment.objects.filter(group=group).values_list("document_id", flat=True))
    documents = Document.objects.in_bulk({pk for pk, _ in notes} | set(guides) | set(assignments))
    left = {pk for pk, document in documents.items() if papers.only_for(document) is not None}
    roles = dict(
        Membership.objects.filter(group=group).values_list("role").annotate(n=Count("pk")).values_list("role", "n")
    )
    prompts = sum(1 for pk, is_prompt in notes if pk not in left and is_prompt)
    return Carried(
        prompts=prompts,
        notes=sum(1 for pk, _ in notes if pk not in left) - prompts,
        # Two guides to versions of one paper make one guide on its current version.
        guides=len({papers.current(documents[pk]).pk for pk in guides if pk not in left}),
        assignments=sum(1 for pk in assignments if pk not in left),
        staff=sum(roles.get(role, 0) for role in STAFF),
        members=roles.get(Role.MEMBER, 0),
        private_papers=sorted({papers.current(documents[pk]).title for pk in left}),
    )


def latest_copy_of(group: StudyGroup) -> StudyGroup | None:
    """The newest term's group made from ``group`` (a copy of its newest copy, and so on), or
    None if it was never copied. A launch from a copied LMS course whose context history names
    last year's course: the LTI app finds that course's group and lands in this one instead.
    One query a term."""
    latest = None
    while True:
        step = TermCopy.objects.filter(source=group).select_related("copy").order_by("-created", "-pk").first()
        if step is None:
            return latest
        latest = group = step.copy


def _copy_settings(group, new) -> None:
    settings = GroupSettings.objects.filter(group=group).first()
    values = {} if settings is None else {
        f.attname: getattr(settings, f.attname) for f in GroupSettings._meta.concrete_fields if f.name != "group"
    }
    GroupSettings.objects.create(group=new, **values)


def _copy_staff(group, new, by) -> int:
    """The copier as instructor, and the source's other instructors and moderators in their roles."""
    staff = Membership.objects.filter(group=group, role__in=STAFF).exclude(user=by).order_by("joined")
    rows = [Membership(group=new, user=by, role=Role.INSTRUCTOR)]
    rows += [Membership(group=new, user_id=m.user_id, role=m.role) for m in staff]
    Membership.objects.bulk_create(rows)
    forget_roles(by)
    return len(rows)


def _carried_notes(group):
    """The source's live prompts, and the live notes of its staff that its guides use."""
    staff = Membership.objects.filter(group=group, role__in=STAFF).values("user_id")
    used = GuideStep.objects.filter(guide__group=group).values("annotation_id")
    return (
        Annotation.objects.live().roots()
        .filter(group=group, hidden_at__isnull=True)
        .filter(Q(curation__is_prompt=True) | Q(pk__in=used, author_id__in=staff))
        .select_related("paragraph__document", "curation")
        .order_by("pk")
    )


def _copy_notes(group, new, papers, report) -> dict[int, Annotation]:
    """{source annotation pk: its copy in the new group}, each on the current version of its paper."""
    by_document, unreadable = defaultdict(list), defaultdict(int)
    for source in _carried_notes(group):
        document = source.paragraph.document
        if papers.only_for(document) is None:
            by_document[document].append(source)
        else:
            unreadable[papers.current(document)] += 1
    for current, count in unreadable.items():
        report.left_out.append(f"{_counted(count, 'note')} on “{current.title}”, {_only_for(papers, current)}")
    sources, copies, orphans = {}, {}, []
    for document, notes in by_document.items():
        current = papers.current(document)
        placed = {note.pk: _copy_of(note, new) for note in notes}
        if current.pk != document.pk:
            orphans += _place_on_current(document, current, notes, placed)
        sources.update((note.pk, note) for note in notes)
        copies.update(placed)
    Annotation.objects.bulk_create(copies.values())
    report.orphans = Orphan.objects.bulk_create(orphans)
    _copy_curation_tags_and_links(sources, copies)
    report.prompts = sum(1 for note in sources.values() if _is_prompt(note))
    report.notes = len(sources) - report.prompts
    return copies


def _is_prompt(note: Annotation) -> bool:
    curation = getattr(note, "curation", None)
    return curation is not None and curation.is_prompt


def _copy_of(source: Annotation, new: StudyGroup) -> Annotation:
    return Annotation(paragraph=source.paragraph, group=new, **{name: getattr(source, name) for name in NOTE_FIELDS})


def _place_on_current(document, current, notes, placed) -> list[Orphan]:
    """Move the copies of notes on an older version onto ``current``, as a new version moves
    notes; those it cannot place stay on their old paragraph as open orphans (unsaved)."""
    old_paragraphs = list(document.paragraphs.order_by("position"))
    new_paragraphs = list(current.paragraphs.order_by("position"))
    _, placements = plan(old_paragraphs, [p.text for p in new_paragraphs], notes)
    version = DocumentVersion.objects.select_related("document").get(document=current)
    orphans = []
    for note in notes:
        placement, copy = placements[note.pk], placed[note.pk]
        if placement.outcome == Outcome.ORPHANED:
            orphans.append(
                Orphan(annotation=copy, version=version, old_paragraph=note.paragraph, reason=placement.reason)
            )
        else:
            place_on(copy, placement, new_paragraphs)
    return orphans


def _copy_curation_tags_and_links(sources, copies) -> None:
    """A prompt stays a prompt (and a question a question); tags and links come along, a link
    into a paper following its paragraph to the current version. Thread state does not."""
    Curation.objects.bulk_create(
        Curation(annotation=copies[pk], is_prompt=note.curation.is_prompt, is_question=note.curation.is_question)
        for pk, note in sources.items()
        if getattr(note, "curation", None) is not None
    )
    TaggedAnnotation.objects.bulk_create(
        TaggedAnnotation(content_object=copies[row.content_object_id], tag_id=row.tag_id)
        for row in TaggedAnnotation.objects.filter(content_object_id__in=list(sources))
    )
    links = Link.objects.filter(annotation_id__in=list(sources)).select_related("target__document").order_by("pk")
    Link.objects.bulk_create(
        Link(
            annotation=copies[link.annotation_id], url=link.url, relation=link.relation,
            target=following.follow(link.target, following.current_document(link.target.document)).paragraph
            if link.target_id else None,
        )
        for link in links
    )


def _copy_guides(group, new, copies, papers, report) -> dict[int, Guide]:
    """{source guide pk: its copy}, on the current version of its paper, with the steps whose
    notes were copied, numbered again from 1. A guide left behind by a newer guide to the same
    paper maps to that one's copy, so an assignment on it keeps a guide to its paper."""
    guides = {}
    taken = {}  # current document pk -> the guide copied onto it
    sources = Guide.objects.filter(group=group).select_related("document").prefetch_related("steps")
    # The guide to the newest version first: of two guides to versions of one paper, it wins.
    for guide in sorted(sources, key=lambda g: (-g.document.version, g.pk)):
        current = papers.current(guide.document)
        name = guide.title or f"the guide to “{current.title}”"
        if papers.only_for(guide.document) is not None:
            report.left_out.append(f"{name}, on a paper {_only_for(papers, current)}")
            continue
        if current.pk in taken:
            report.left_out.append(f"{name}, written on an older version of a paper with a newer guide")
            guides[guide.pk] = taken[current.pk]
            continue
        guides[guide.pk] = taken[current.pk] = Guide.objects.create(
            group=new, document=current, title=guide.title, created_by_id=guide.created_by_id
        )
        steps, skipped = [], 0
        for step in guide.steps.all():
            copy = copies.get(step.annotation_id)
            if copy is None:
                skipped += 1
                continue
            steps.append(GuideStep(guide=guides[guide.pk], position=len(steps) + 1, annotation=copy, note=step.note))
        GuideStep.objects.bulk_create(steps)
        if skipped:
            report.left_out.append(f"{_counted(skipped, 'step')} of {name} on students’ or removed notes")
    report.guides = len(taken)
    return guides


def _copy_assignments(group, new, guides, papers, report) -> None:
    rows = []
    for assignment in Assignment.objects.filter(group=group).select_related("document").order_by("pk"):
        if papers.only_for(assignment.document) is not None:
            report.left_out.append(
                f"the assignment “{assignment.title}”, on a paper {_only_for(papers, assignment.document)}"
            )
            continue
        values = {
            f.attname: getattr(assignment, f.attname)
            for f in Assignment._meta.concrete_fields
            if f.name not in ASSIGNMENT_FIELDS_NOT_CARRIED
        }
        # On the current version of its paper, as its guide and the notes are.
        values["document_id"] = papers.current(assignment.document).pk
        rows.append(Assignment(group=new, guide=guides.get(assignment.guide_id), **values))
    report.assignments = len(Assignment.objects.bulk_create(rows))


def _only_for(papers, document) -> str:
    return f"published for “{papers.only_for(document)}” only"


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
