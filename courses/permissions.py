"""The access rules for assignments, registered into the one access policy.

Every member reads the group's assignments and their own score; instructors (group.grade)
set assignments, read the gradebook and override scores. An assignment nests under its
paper: one on a paper its reader may not read is not there for them (404).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from access.policy import can_view, has_permission, is_instructor, is_member, is_superuser, nest, register
from courses.models import Assignment

register({
    "assignment.view": [[is_member], [is_superuser]],
    "assignment.grade": [[is_instructor], [is_superuser]],
})
nest("assignment", Assignment, "document.view", lambda assignment: assignment.document)


def get_assignment_for(user, pk, permission: str | None = None) -> Assignment:
    """The assignment if `user` may see it, else 404; with `permission` ("assignment.*"), also 403 unless held."""
    assignment = (
        Assignment.objects.select_related("group", "document__publication", "guide__document").filter(pk=pk).first()
    )
    if assignment is None or not can_view(user, assignment):
        raise Http404("No such assignment.")
    if permission is not None and not has_permission(user, permission, assignment):
        raise PermissionDenied
    return assignment
