"""Thread state changes: question, resolved, pinned, endorsed, locked. Each moderating change
is written to the moderation log."""

from django.db import transaction
from django.utils import timezone

from discussions.models import Curation, ModerationAction
from discussions.moderation import log

Kind = ModerationAction.Kind


def _curation_for_update(annotation) -> Curation:
    curation, _ = Curation.objects.select_for_update().get_or_create(annotation=annotation)
    return curation


def set_question(annotation, is_question: bool) -> None:
    with transaction.atomic():
        curation = _curation_for_update(annotation)
        curation.is_question = is_question
        if not is_question:
            curation.resolved_at, curation.resolved_by = None, None
        curation.save()


def set_resolved(actor, annotation, resolved: bool) -> None:
    with transaction.atomic():
        curation = _curation_for_update(annotation)
        curation.resolved_at, curation.resolved_by = (timezone.now(), actor) if resolved else (None, None)
        curation.save()
        if actor.pk != annotation.author_id:
            log(actor, annotation, Kind.RESOLVE if resolved else Kind.UNRESOLVE)


def set_pinned(actor, annotation, pinned: bool) -> None:
    with transaction.atomic():
        curation = _curation_for_update(annotation)
        curation.pinned_at = timezone.now() if pinned else None
        curation.save()
        log(actor, annotation, Kind.PIN if pinned else Kind.UNPIN)


def set_endorsed(actor, annotation, endorsed: bool) -> None:
    with transaction.atomic():
        curation = _curation_for_update(annotation)
        curation.endorsed_at, curation.endorsed_by = (timezone.now(), actor) if endorsed else (None, None)
        curation.save()
        log(actor, annotation, Kind.ENDORSE if endorsed else Kind.UNENDORSE)


def set_locked(actor, annotation, locked: bool, reason: str = "") -> None:
    with transaction.atomic():
        curation = _curation_for_update(annotation)
        if locked:
            curation.locked_at, curation.locked_by, curation.lock_reason = timezone.now(), actor, reason
        else:
            curation.locked_at, curation.locked_by, curation.lock_reason = None, None, ""
        curation.save()
        log(actor, annotation, Kind.LOCK if locked else Kind.UNLOCK, reason)
