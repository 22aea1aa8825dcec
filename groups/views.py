"""Study groups: my groups, a group's page, editing it, invite links, members and roles,
and the group's discussion settings.

Who may do what is asked of annotations/permissions.py (get_*_for: 404 to strangers,
403 to members without the right); what a change does lives in groups/memberships.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from access.policy import get_group_for, get_invitation_for, get_membership_for, has_permission, visible_groups
from groups import memberships
from groups.forms import GroupForm, GroupSettingsForm, InvitationForm, MemberRoleForm
from groups.models import GroupSettings, Membership, Role, StudyGroup
from groups.roles import role_in

# Instructors first, then moderators, then members: the order a group page lists them in.
ROLE_ORDER = Case(
    When(role=Role.INSTRUCTOR, then=Value(0)),
    When(role=Role.MODERATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@login_required
def my_groups(request):
    # Queries: the user's roles (visible_groups), then the groups with member count and my role.
    mine = Membership.objects.filter(user=request.user)
    groups = (
        visible_groups(request.user)
        .filter(pk__in=mine.values("group_id"))
        .annotate(
            member_count=Count("memberships"),
            my_role=Subquery(mine.filter(group=OuterRef("pk")).values("role")[:1]),
        )
        .order_by("name", "pk")
    )
    return render(request, "groups/my_groups.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = memberships.create_group(request.user, form.cleaned_data["name"], form.cleaned_data["description"])
        messages.success(request, f"“{group}” is ready. Invite people with a link below.")
        return redirect(group)
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/group_form.html", {"form": form, "group": None}, status=status)


def _render_group(request, group, status=200, invitation_form=None, error=""):
    """The group page. Queries: the viewer's roles, the members with their users, and (for
    whoever may invite) the invitations: constant whatever the group's size."""
    user = request.user
    members = list(
        group.memberships.select_related("user").annotate(role_order=ROLE_ORDER).order_by("role_order", "joined")
    )
    can_invite = has_permission(user, "group.invite", group)
    invitations = list(group.invitations.select_related("created_by")) if can_invite else []
    for invitation in invitations:
        invitation.problem_text = invitation.problem()
        invitation.url = request.build_absolute_uri(invitation.get_absolute_url())
    context = {
        "group": group,
        "members": members,
        "my_role": role_in(user, group.pk),
        "can_edit": has_permission(user, "group.edit", group),
        "can_delete": has_permission(user, "group.delete", group),
        "can_manage_members": has_permission(user, "group.manage_members", group),
        "can_leave": has_permission(user, "group.leave", group),
        "can_see_dashboard": has_permission(user, "group.dashboard", group),
        "can_publish": has_permission(user, "group.publish", group),
        "can_copy_term": has_permission(user, "group.copy_term", group),
        "can_invite": can_invite,
        "invitations": invitations,
        "invitation_form": invitation_form or InvitationForm(),
        "role_choices": Role.choices,
        "error": error,
    }
    return render(request, "groups/group.html", context, status=status)


@login_required
def group(request, pk):
    return _render_group(request, get_group_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = get_group_for(request.user, pk, "group.edit")
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "The group has been saved.")
        return redirect(group)
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/group_form.html", {"form": form, "group": group}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def group_delete(request, pk):
    """GET asks for confirmation; POST deletes the group with its memberships, links and group notes."""
    group = get_group_for(request.user, pk, "group.delete")
    if request.method == "POST":
        name = group.name
        with transaction.atomic():
            group.delete()
        messages.success(request, f"“{name}” has been deleted.")
        return redirect("groups")
    counts = StudyGroup.objects.filter(pk=group.pk).aggregate(
        members=Count("memberships", distinct=True), notes=Count("annotations", distinct=True)
    )
    return render(request, "groups/group_confirm_delete.html", {"group": group, "counts": counts})


@login_required
@require_POST
def group_invite(request, pk):
    group = get_group_for(request.user, pk, "group.invite")
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render_group(request, group, status=400, invitation_form=form)
    memberships.create_invitation(
        group,
        by=request.user,
        role=form.cleaned_data["role"],
        expires_at=form.expires_at(),
        max_uses=form.cleaned_data["max_uses"],
    )
    messages.success(request, "A new invite link is ready: copy it from the list of invite links.")
    return redirect(group.get_absolute_url() + "#invitations")


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    invitation = get_invitation_for(request.user, pk, invitation_pk)
    memberships.revoke_invitation(invitation)
    messages.success(request, "The invite link has been revoked; it joins nobody now.")
    return redirect(invitation.group.get_absolute_url() + "#invitations")


@require_http_methods(["GET", "POST"])
def join_group(request, token):
    """The page an invite link opens: who invites you where, and a button to join.

    Anyone holding a working link may learn the group's name; a dead link names nothing.
    """
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        outcome = memberships.join_with_invitation(request.user, token)
        if outcome is None:
            return _render_join(request, None, None, status=404)
        if outcome.joined:
            messages.success(request, f"Welcome to “{outcome.group}”.")
            return redirect(outcome.group)
        if outcome.already_member:
            messages.info(request, f"You are already a member of “{outcome.group}”.")
            return redirect(outcome.group)
        return _render_join(request, None, outcome, status=410)
    invitation, outcome = memberships.invitation_status(request.user, token)
    if invitation is None:
        return _render_join(request, None, None, status=404)
    return _render_join(request, invitation, outcome, status=410 if outcome.problem else 200)


def _render_join(request, invitation, outcome, status):
    return render(request, "groups/group_join.html", {"invitation": invitation, "outcome": outcome}, status=status)


@login_required
@require_POST
def member_role(request, pk, membership_pk):
    membership = get_membership_for(request.user, pk, membership_pk, "group.manage_members")
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        return _render_group(request, membership.group, status=400, error="Choose instructor, moderator or member.")
    try:
        memberships.change_role(membership, form.cleaned_data["role"])
    except memberships.LastInstructorError as refusal:
        return _render_group(request, membership.group, status=409, error=str(refusal))
    messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()}.")
    return redirect(membership.group)


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    membership = get_membership_for(request.user, pk, membership_pk, "group.manage_members")
    try:
        memberships.remove_member(membership)
    except memberships.LastInstructorError as refusal:
        return _render_group(request, membership.group, status=409, error=str(refusal))
    if membership.user_id == request.user.pk:
        messages.success(request, f"You have left “{membership.group}”.")
        return redirect("groups")
    messages.success(request, f"{membership.user} is no longer a member.")
    return redirect(membership.group)


@login_required
@require_POST
def group_leave(request, pk):
    group = get_group_for(request.user, pk, "group.leave")
    membership = Membership.objects.select_related("user", "group").get(group=group, user=request.user)
    try:
        memberships.remove_member(membership)
    except memberships.LastInstructorError as refusal:
        return _render_group(request, group, status=409, error=str(refusal))
    messages.success(request, f"You have left “{group}”.")
    return redirect("groups")


@login_required
@require_http_methods(["GET", "POST"])
def group_discussion_settings(request, pk):
    group = get_group_for(request.user, pk, "group.discussion_settings")
    instance = GroupSettings.objects.filter(group=group).first() or GroupSettings(group=group)
    form = GroupSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Discussion settings saved.")
            return redirect("group_discussion_settings", pk=group.pk)
        return render(request, "groups/group_settings.html", {"group": group, "form": form}, status=422)
    return render(request, "groups/group_settings.html", {"group": group, "form": form})
