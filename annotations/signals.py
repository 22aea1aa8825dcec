"""What apps above annotations hear of: an existing note changed (edited, deleted, restored,
hidden or shown again by a moderator), so that those reading its paragraph can be told.

Sent inside the writer's transaction, before the note object is refreshed: `was` is the
audience it had, (visibility, group id), which an edit may have narrowed."""

from django.dispatch import Signal

annotation_changed = Signal()  # sender=Annotation, annotation=<the note>, was=(visibility, group_id)


def send_changed(annotation, was=None):
    annotation_changed.send(
        sender=type(annotation), annotation=annotation, was=was or (annotation.visibility, annotation.group_id)
    )
