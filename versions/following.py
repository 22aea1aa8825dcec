"""Following a paragraph of an old version forward to the version people read now.

A paragraph keeps its anchor while it lives on (edited, moved, the first part of a split, the
first piece of a merge), so most links need no help; the rest (the second piece of a merge, a
link by an old version's paragraph id) follow the recorded ParagraphChange rows, one version
at a time. A deleted paragraph stays where it was last, in the last version that had it."""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import Document, Paragraph
from reader.versioning import Change
from versions.models import DocumentVersion, ParagraphChange


@dataclass(frozen=True)
class Followed:
    paragraph: Paragraph  # in the current version, or in the last version that had it
    current: bool  # False: deleted since; ``paragraph`` is in an old version

    @property
    def version_number(self) -> int:
        return self.paragraph.document.version


def latest_in_lineage(lineage_id: int) -> Document:
    """The version of a text that people read now."""
    latest = DocumentVersion.objects.select_related("document").filter(lineage_id=lineage_id).order_by("-number")
    return latest.first().document


def current_document(document: Document) -> Document:
    """The latest version of ``document``'s text (itself when it has no later one)."""
    record = DocumentVersion.objects.filter(document=document).first()
    return document if record is None else latest_in_lineage(record.lineage_id)


def follow(paragraph: Paragraph, current: Document) -> Followed:
    """Where ``paragraph`` (of ``current``'s lineage) is in ``current``; a split goes to its first part."""
    while paragraph.document_id != current.pk:
        step = (
            ParagraphChange.objects.filter(old_paragraph=paragraph, new_paragraph__isnull=False)
            .select_related("new_paragraph__document")
            .order_by("pk")
            .first()
        )
        if step is None:
            return Followed(paragraph, False)
        paragraph = step.new_paragraph
    return Followed(paragraph, True)


def by_anchor(current: Document, anchor: str) -> Followed | None:
    """The paragraph an anchor of any version of ``current`` names, followed forward."""
    paragraph = current.paragraphs.filter(anchor=anchor).first()
    if paragraph is not None:
        return Followed(paragraph, True)
    record = DocumentVersion.objects.filter(document=current).first()
    if record is None:
        return None
    paragraph = (
        Paragraph.objects.filter(document__version_record__lineage_id=record.lineage_id, anchor=anchor)
        .select_related("document")
        .order_by("-document__version_record__number")
        .first()
    )
    return follow(paragraph, current) if paragraph is not None else None


def deleted_in_next(document: Document) -> set[int]:
    """The paragraphs of an old version that the version after it no longer has."""
    return set(
        ParagraphChange.objects.filter(old_paragraph__document=document, change=Change.DELETED).values_list(
            "old_paragraph_id", flat=True
        )
    )
