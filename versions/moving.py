"""Publish a new version of a document and move everything attached to it, all or nothing.

``publish_new_version`` parses the new text, stores it as a new Document that takes over the
slug (the old one becomes "<slug>--v<n>", unpublished, still readable at /d/<slug>/v/<n>/),
records where each paragraph went, and moves annotations and links with the logic in
reader/versioning.py. It runs in one transaction: on any error nothing changes. Afterwards
every annotation of the old version is on a paragraph of the new version, or is an open
orphan (on its old paragraph), or is a reply following its thread; none lost, none twice.
The groups' discussion guides to it move to the new version with their notes.

``preview_new_version`` runs the same matching and placement without writing anything, for
the upload preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from annotations.models import Annotation, Link
from discussions.models import Follow, Guide
from discussions.notifications import notify_orphaned
from reader.importing import ImportRefused, ParsedDocument, apply_corrections, build_records, parse_document
from reader.models import OLD_VERSION_SLUG, Document, Paragraph
from reader.anchoring import Selector
from reader.versioning import Change, Matching, Outcome, Placement, carry_anchors, match_paragraphs, place
from versions.models import AnnotationMove, DocumentVersion, Lineage, Orphan, ParagraphChange, Publication
from versions.signals import version_published



@dataclass
class VersionReport:
    document: Document | None
    number: int
    parsed: ParsedDocument
    paragraphs: dict[str, int]  # Change -> count
    annotations: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    replies_moved: int = 0
    links_moved: int = 0

    def summary(self) -> dict:
        return {
            "paragraphs": self.paragraphs,
            "annotations": self.annotations,
            "replies_moved": self.replies_moved,
            "links_moved": self.links_moved,
        }


def plan(
    old_paragraphs: list[Paragraph], new_texts: list[str], roots: list[Annotation]
) -> tuple[Matching, dict[int, Placement]]:
    """Where each root annotation on ``old_paragraphs`` goes among ``new_texts`` (by annotation pk).

    A new version asks it, and so does a group copied into a new term for the notes it
    carries over from an older version (courses/terms.py)."""
    old_texts = [p.text for p in old_paragraphs]
    matching = match_paragraphs(old_texts, new_texts)
    index_of = {p.pk: i for i, p in enumerate(old_paragraphs)}
    placements: dict[int, Placement] = {}
    for annotation in roots:
        i = index_of[annotation.paragraph_id]
        selector = Selector(annotation.quote, annotation.prefix, annotation.suffix, annotation.start, annotation.end)
        placements[annotation.pk] = place(selector, matching.old[i], old_texts[i], new_texts)
    return matching, placements


def _current(document: Document) -> Document:
    """The document, locked, if it is the current version (else refused)."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if not locked.is_published or "--v" in locked.slug:
        raise ImportRefused(f"“{locked.slug}” is an old version; upload the new version to the current one.")
    return locked


def preview_new_version(document: Document, text: str, corrections=()) -> VersionReport:
    """What publishing ``text`` (with the preview's ``corrections``) as the next version
    would do, without changing anything."""
    parsed = apply_corrections(parse_document(text, fallback_title=document.title), list(corrections))
    old_paragraphs = list(document.paragraphs.order_by("position"))
    roots = list(Annotation.objects.filter(paragraph__document=document, parent__isnull=True))
    matching, placements = plan(old_paragraphs, [p.text for p in parsed.paragraphs], roots)
    report = VersionReport(None, document.version + 1, parsed, matching.counts())
    for placement in placements.values():
        report.annotations[placement.outcome.value] += 1
    return report


def publish_new_version(
    document: Document, text: str, *, user=None, source_name: str = "", corrections=()
) -> VersionReport:
    parsed = apply_corrections(parse_document(text, fallback_title=document.title), list(corrections))
    if not parsed.paragraphs:
        raise ImportRefused("The new version has no paragraphs.")
    with transaction.atomic():
        old = _current(document)
        slug, number = old.slug, old.version + 1
        old_version = _version_record(old, user)

        # The new version takes the slug; the old one keeps its rows under a versioned slug.
        old.slug = OLD_VERSION_SLUG.format(slug=slug, number=old.version)
        old.is_published = False
        old.save(update_fields=["slug", "is_published", "updated"])
        old_paragraphs = list(Paragraph.objects.filter(document=old).order_by("position"))
        annotations = list(
            Annotation.objects.select_for_update().filter(paragraph__document=old).order_by("pk")
        )
        roots = [a for a in annotations if a.parent_id is None]
        matching, placements = plan(old_paragraphs, [p.text for p in parsed.paragraphs], roots)

        new, new_paragraphs = build_records(parsed, slug, source_name or old.source_name)
        new.version = number
        new.save()
        anchors = carry_anchors(matching, [p.anchor for p in old_paragraphs], [p.anchor for p in new_paragraphs])
        for paragraph, anchor in zip(new_paragraphs, anchors):
            paragraph.document, paragraph.anchor = new, anchor
        new_paragraphs = Paragraph.objects.bulk_create(new_paragraphs)
        version = DocumentVersion.objects.create(
            lineage_id=old_version.lineage_id, document=new, number=number, created_by=user
        )
        publication = Publication.objects.filter(document=old).first()
        if publication is not None:
            Publication.objects.create(document=new, group=publication.group, published_by=user or publication.published_by)
        report = VersionReport(new, number, parsed, matching.counts())

        _record_paragraph_changes(version, matching, old_paragraphs, new_paragraphs)
        _move_annotations(version, annotations, placements, old_paragraphs, new_paragraphs, report, user)
        report.links_moved = _move_links(matching, old_paragraphs, new_paragraphs)
        # A group's guide is found by its paper's current version (the guide page, the reading
        # page's bar); its steps are notes, which went wherever they went above.
        Guide.objects.filter(document=old).update(document=new)
        # Following a paper in a group means following whatever version is current.
        Follow.objects.filter(document=old).update(document=new)
        version_published.send(sender=Document, old=old, new=new)

        version.summary = report.summary()
        version.save(update_fields=["summary"])
    return report


def _version_record(document: Document, user) -> DocumentVersion:
    """The document's version record, created (with a new lineage) the first time it gets a successor."""
    record = DocumentVersion.objects.filter(document=document).first()
    if record is None:
        record = DocumentVersion.objects.create(
            lineage=Lineage.objects.create(), document=document, number=document.version, created_by=None
        )
    return record


def _record_paragraph_changes(version, matching: Matching, old_paragraphs, new_paragraphs) -> None:
    rows = []
    for match in matching.old:
        old = old_paragraphs[match.old]
        if not match.new:
            rows.append(ParagraphChange(version=version, old_paragraph=old, change=match.change, similarity=0))
        for j in match.new:
            rows.append(
                ParagraphChange(
                    version=version, old_paragraph=old, new_paragraph=new_paragraphs[j],
                    change=match.change, similarity=match.similarity,
                )
            )
    rows += [
        ParagraphChange(version=version, new_paragraph=new_paragraphs[j], change=Change.ADDED) for j in matching.added
    ]
    ParagraphChange.objects.bulk_create(rows)


def _move_annotations(version, annotations, placements, old_paragraphs, new_paragraphs, report, user) -> None:
    by_pk = {p.pk: p for p in old_paragraphs}
    moves, orphans, changed = [], [], []
    root_paragraph = {}
    for annotation in annotations:
        if annotation.parent_id is not None:
            continue
        placement = placements[annotation.pk]
        old_paragraph = by_pk[annotation.paragraph_id]
        moves.append(
            AnnotationMove(
                version=version, annotation=annotation, outcome=placement.outcome,
                from_paragraph=old_paragraph,
                to_paragraph=new_paragraphs[placement.paragraph] if placement.paragraph is not None else None,
                confidence=placement.confidence, reason=placement.reason[:200],
                old_quote=annotation.quote, old_start=annotation.start, old_end=annotation.end,
            )
        )
        report.annotations[placement.outcome.value] += 1
        if placement.outcome == Outcome.ORPHANED:
            orphans.append(Orphan(annotation=annotation, version=version, old_paragraph=old_paragraph, reason=placement.reason))
            root_paragraph[annotation.pk] = None
            continue
        place_on(annotation, placement, new_paragraphs)
        if placement.outcome == Outcome.REANCHORED:
            annotation.version += 1  # an API client holding the old passage must re-read it
        changed.append(annotation)
        root_paragraph[annotation.pk] = annotation.paragraph

    # Replies stay with their thread, wherever its root went (an orphan's replies wait with it).
    by_annotation_pk = {a.pk: a for a in annotations}
    for annotation in annotations:
        if annotation.parent_id is None:
            continue
        root = _root_of(annotation, by_annotation_pk)
        target = root_paragraph.get(root.pk)
        if target is not None:
            annotation.paragraph = target
            changed.append(annotation)
            report.replies_moved += 1

    Annotation.objects.bulk_update(changed, ["paragraph", "quote", "prefix", "suffix", "start", "end", "version", "written_on"])
    AnnotationMove.objects.bulk_create(moves)
    Orphan.objects.bulk_create(orphans)
    notify_orphaned([orphan.annotation for orphan in orphans], user)


def place_on(annotation: Annotation, placement: Placement, new_paragraphs: list[Paragraph]) -> None:
    """Set a placed (kept or re-anchored) annotation's paragraph and passage, unsaved."""
    annotation.paragraph = new_paragraphs[placement.paragraph]
    if annotation.quote:
        s = placement.selector
        if s.quote != annotation.quote and not annotation.written_on:
            annotation.written_on = annotation.quote  # what the note was about, shown beside the new quote
        annotation.quote, annotation.prefix, annotation.suffix = s.quote, s.prefix[-64:], s.suffix[:64]
        annotation.start, annotation.end = s.start, s.end


def _root_of(annotation, by_pk):
    while annotation.parent_id is not None and annotation.parent_id in by_pk:
        annotation = by_pk[annotation.parent_id]
    return annotation


def _move_links(matching: Matching, old_paragraphs, new_paragraphs) -> int:
    """Links into the old version follow their paragraph; a link to a deleted paragraph keeps
    pointing at it in the old version, which stays readable."""
    index_of = {p.pk: i for i, p in enumerate(old_paragraphs)}
    moved = []
    for link in Link.objects.select_for_update().filter(target_id__in=list(index_of)):
        target = matching.old[index_of[link.target_id]].target
        if target is not None:
            link.target = new_paragraphs[target]
            moved.append(link)
    Link.objects.bulk_update(moved, ["target"])
    return len(moved)
