"""Discussion guides: an instructor's ordered steps (prompts and chosen notes) through a paper."""

from django.db import transaction
from django.db.models import Max

from annotations.models import Annotation, Visibility
from discussions.models import Guide, GuideStep


def guide_for(group, document, create_by=None):
    """The group's guide to the document; created (empty) when `create_by` is given."""
    guide = Guide.objects.filter(group=group, document=document).first()
    if guide is None and create_by is not None:
        guide, _ = Guide.objects.get_or_create(group=group, document=document, defaults={"created_by": create_by})
    return guide


def candidates(group, document):
    """Notes an instructor may put in the guide: live, shown, group roots on this document,
    prompts first, then in reading order (one query)."""
    return (
        Annotation.objects.filter(
            group=group, visibility=Visibility.GROUP, paragraph__document=document, parent__isnull=True,
            deleted_at__isnull=True, hidden_at__isnull=True,
        )
        .select_related("author", "paragraph", "curation")
        .order_by("-curation__is_prompt", "paragraph__position", "created")
    )


def step_of(group, document, annotation) -> GuideStep | None:
    """The step of the group's guide to the document that is this note, if it is one."""
    return GuideStep.objects.filter(guide__group=group, guide__document=document, annotation=annotation).first()


def add_step(guide, annotation, note="") -> GuideStep:
    with transaction.atomic():
        Guide.objects.select_for_update().filter(pk=guide.pk).first()  # serialise numbering
        last = guide.steps.aggregate(last=Max("position"))["last"] or 0
        step = GuideStep.objects.create(guide=guide, annotation=annotation, note=note, position=last + 1)
        guide.save(update_fields=["updated"])
    return step


def move_step(step, direction: int) -> bool:
    """Swap the step with its neighbour above (-1) or below (+1); False at either end."""
    with transaction.atomic():
        Guide.objects.select_for_update().filter(pk=step.guide_id).first()
        neighbour = GuideStep.objects.filter(guide_id=step.guide_id, position=step.position + direction).first()
        if neighbour is None:
            return False
        # The unique (guide, position) constraint is deferred, so the swap checks at commit.
        step.position, neighbour.position = neighbour.position, step.position
        GuideStep.objects.bulk_update([step, neighbour], ["position"])
    return True


def remove_step(step) -> None:
    with transaction.atomic():
        Guide.objects.select_for_update().filter(pk=step.guide_id).first()
        guide_id, position = step.guide_id, step.position
        step.delete()
        later = list(GuideStep.objects.filter(guide_id=guide_id, position__gt=position).order_by("position"))
        for s in later:
            s.position -= 1
        GuideStep.objects.bulk_update(later, ["position"])
