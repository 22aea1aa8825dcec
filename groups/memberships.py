"""Creating study groups and changing who is in them, with the rules that keep a group whole.

Who may do each thing is decided in annotations/permissions.py; this module only says
what the change does. Its one invariant: a group always keeps at least one instructor.
Every change that could break it (demotion, removal, leaving) takes the group's row lock
first (SELECT ... FOR UPDATE), then counts instructors, so two concurrent demotions of the
last two instructors queue up and the second one sees the first and is refused.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groups.models import Invitation, Membership, Role, StudyGroup
from groups.roles import forget_roles


class LastInstructorError(Exception):
    """The change would leave a group without an instructor."""

    def __init__(self, group):
        super().__init__(
            f"{group} needs at least one instructor. Make someone else an instructor first, or delete the group."
        )


@transaction.atomic
def create_group(user, name: str, description: str = "") -> StudyGroup:
    group = StudyGroup.objects.create(name=name, description=description, created_by=user)
    Membership.objects.create(group=group, user=user, role=Role.INSTRUCTOR)
    forget_roles(user)
    return group


def _lock_group_and_check(membership: Membership, becomes_instructor: bool) -> None:
    """Lock the group row; refuse if `membership` is its last instructor and is about to stop being one.

    Callers run inside transaction.atomic.
    """
    StudyGroup.objects.select_for_update().filter(pk=membership.group_id).get()
    # Re-read under the lock: the caller's copy may be stale.
    current_role = Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
    if current_role != Role.INSTRUCTOR or becomes_instructor:
        return
    instructors = Membership.objects.filter(group_id=membership.group_id, role=Role.INSTRUCTOR).count()
    if instructors <= 1:
        raise LastInstructorError(membership.group)


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    _lock_group_and_check(membership, becomes_instructor=(role == Role.INSTRUCTOR))
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    forget_roles(membership.user)
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    """Remove someone from a group (an instructor's action, or the person leaving)."""
    _lock_group_and_check(membership, becomes_instructor=False)
    membership.delete()
    forget_roles(membership.user)


@transaction.atomic
def create_invitation(group, by, role=Role.MEMBER, expires_at=None, max_uses=None) -> Invitation:
    return Invitation.objects.create(group=group, created_by=by, role=role, expires_at=expires_at, max_uses=max_uses)


@transaction.atomic
def revoke_invitation(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


@dataclass
class JoinOutcome:
    group: StudyGroup | None
    joined: bool = False
    already_member: bool = False
    problem: str = ""  # why the link cannot be used: expired, used up, revoked


@transaction.atomic
def join_with_invitation(user, token: str) -> JoinOutcome | None:
    """Join the invitation's group. None when no such invitation exists.

    The invitation row is locked, so two people using the last use of a link at the same
    moment cannot both get in; use_count is incremented in SQL.
    """
    invitation = Invitation.objects.select_for_update().select_related("group").filter(token=token).first()
    if invitation is None:
        return None
    group = invitation.group
    if Membership.objects.filter(group=group, user=user).exists():
        # Checked first: a member opening an old link learns they are in, and no use is spent.
        return JoinOutcome(group=group, already_member=True)
    problem = invitation.problem()
    if problem:
        return JoinOutcome(group=None, problem=problem)
    Membership.objects.create(group=group, user=user, role=invitation.role)
    Invitation.objects.filter(pk=invitation.pk).update(use_count=F("use_count") + 1)
    forget_roles(user)
    return JoinOutcome(group=group, joined=True)


def invitation_status(user, token: str) -> tuple[Invitation | None, JoinOutcome | None]:
    """What opening the link would do, without doing it (the GET page). (None, None) if unknown."""
    invitation = Invitation.objects.select_related("group").filter(token=token).first()
    if invitation is None:
        return None, None
    group = invitation.group
    if user.is_authenticated and Membership.objects.filter(group=group, user=user).exists():
        return invitation, JoinOutcome(group=group, already_member=True)
    problem = invitation.problem()
    if problem:
        return invitation, JoinOutcome(group=None, problem=problem)
    return invitation, JoinOutcome(group=group)
