"""Assignments follow their paper to each new version (versions.signals.version_published), so
an assignment's reading link opens what the class reads now; the scores count notes on every
version of the paper anyway (courses.scoring)."""

from courses.models import Assignment


def move_assignments(sender, old, new, **kwargs) -> None:
    Assignment.objects.filter(document=old).update(document=new)
