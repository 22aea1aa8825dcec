"""Participation scores (issue 22). A stand-in with the interface the scores branch builds:
every member scores 0 with "No notes yet"; replaced when that branch is merged."""

from dataclasses import dataclass
from decimal import Decimal

from groups.models import Role


@dataclass
class StudentScore:
    user: object
    points: Decimal
    points_possible: Decimal
    comment: str


def score_for(assignment, user) -> StudentScore:
    return StudentScore(user=user, points=Decimal("0"), points_possible=assignment.points_possible, comment="No notes yet")


def gradebook(assignment) -> list[StudentScore]:
    members = assignment.group.memberships.filter(role=Role.MEMBER).select_related("user").order_by("user__username")
    return [score_for(assignment, membership.user) for membership in members]
