"""Attaching an orphaned annotation again: where it might go, and doing it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from annotations.models import Annotation
from reader.models import Document, Paragraph
from reader.anchoring import Selector, context_around, find_quote, locate, snap_to_words
from reader.versioning import DiffChunk, similar_paragraphs, word_diff
from versions import following

CANDIDATES = 3
PASSAGE_GUESS = 0.5  # below this, a guessed passage is not worth offering


class AttachRefused(Exception):
    pass


class AttachConflict(AttachRefused):
    """The annotation changed since the page was shown."""


@dataclass
class Candidate:
    paragraph: Paragraph
    similarity: float
    diff: list[DiffChunk]
    passage: tuple[int, int, str] | None  # start, end, quote of the best guess for the passage


def current_document(orphan) -> Document:
    """The latest version of the text the orphan came from."""
    return following.latest_in_lineage(orphan.version.lineage_id)


def candidates(orphan, paragraphs: list[Paragraph]) -> list[Candidate]:
    annotation, old = orphan.annotation, orphan.old_paragraph
    selector = Selector(annotation.quote, annotation.prefix, annotation.suffix, annotation.start, annotation.end)
    out = []
    for j, similarity in similar_paragraphs(old.text, [p.text for p in paragraphs], CANDIDATES):
        paragraph = paragraphs[j]
        passage = None
        if annotation.quote:
            found = locate(selector, paragraph.text, old.text)
            if found and found.confidence >= PASSAGE_GUESS:
                start, end = snap_to_words(paragraph.text, found.start, found.end)
                passage = (start, end, paragraph.text[start:end])
        out.append(Candidate(paragraph, similarity, word_diff(old.text, paragraph.text), passage))
    return out


def attach(orphan, paragraph: Paragraph, *, user, quote: str = "", start: int | None = None, version: int | None = None):
    """Put the orphaned annotation on ``paragraph`` (on ``quote`` inside it, if given) and close the orphan."""
    end = None
    if quote:
        if start is not None and paragraph.text[start : start + len(quote)] == quote:
            end = start + len(quote)
        else:
            # Typed or pasted: found whatever its spaces, quote marks and dashes.
            found = find_quote(paragraph.text, quote, hint=start)
            if found is None:
                raise AttachRefused("Those words are not in the chosen paragraph; copy them exactly, or leave the passage empty.")
            start, end = found.start, found.end
            quote = paragraph.text[start:end]
    with transaction.atomic():
        annotation = Annotation.objects.select_for_update().get(pk=orphan.annotation_id)
        if version is not None and annotation.version != version:
            raise AttachConflict("Someone changed this annotation meanwhile; look again before attaching it.")
        annotation.paragraph = paragraph
        if annotation.quote and quote != annotation.quote and not annotation.written_on:
            annotation.written_on = annotation.quote
        if quote:
            annotation.quote, annotation.start, annotation.end = quote, start, end
            annotation.prefix, annotation.suffix = context_around(paragraph.text, start, end)
        else:
            annotation.quote, annotation.prefix, annotation.suffix, annotation.start, annotation.end = "", "", "", None, None
        annotation.version += 1
        annotation.save(update_fields=["paragraph", "quote", "prefix", "suffix", "start", "end", "version", "written_on", "updated"])
        # Its replies come along, however deep: the thread stays together.
        parents = [annotation.pk]
        while parents:
            parents = list(Annotation.objects.filter(parent_id__in=parents).values_list("pk", flat=True))
            Annotation.objects.filter(pk__in=parents).update(paragraph=paragraph)
        orphan.resolved_at, orphan.resolved_by = timezone.now(), user
        orphan.save(update_fields=["resolved_at", "resolved_by"])
    return annotation
