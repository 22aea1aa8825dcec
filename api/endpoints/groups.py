"""The study groups the caller belongs to."""

from django.db.models import Count
from ninja import Path, Router

from access.policy import get_group_for, visible_groups
from api.auth import WRITE_AUTH
from api.schemas import Error, GroupOut, Id, ValidationErrors
from groups.models import Membership
from groups.roles import role_in

router = Router(tags=["groups"], auth=WRITE_AUTH)  # signed in only: groups are never public


def group_data(user, g) -> dict:
    return {"id": g.pk, "name": g.name, "description": g.description, "role": role_in(user, g.pk),
            "member_count": g.member_count}


@router.get("/groups", response={200: list[GroupOut], 401: Error}, summary="Groups you belong to, with your role")
def list_groups(request):
    user = request.auth
    # pk__in rather than a join on memberships, so the count below sees every member.
    mine = Membership.objects.filter(user=user).values("group_id")
    groups = visible_groups(user).filter(pk__in=mine).annotate(member_count=Count("memberships"))
    return [group_data(user, g) for g in groups.order_by("name", "pk")]


@router.get("/groups/{group_id}", response={200: GroupOut, 401: Error, 404: Error, 422: ValidationErrors}, summary="One group you may see")
def get_group(request, group_id: Path[Id]):
    group = get_group_for(request.auth, group_id)
    group.member_count = group.memberships.count()
    return group_data(request.auth, group)
