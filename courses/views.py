"""A course's pages. Assignments and their scores: a group's list, setting one up, a student's
own score, the instructor's gradebook (page and CSV), and overriding one student's score; and
copying a group into a new term.

Who may do what is asked of the access policy: get_group_for / get_assignment_for answer
404 to strangers and 403 to members without the right (group.grade, assignment.grade).
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from access.policy import get_group_for, has_permission, visible_documents
from annotations.exporting import csv_cell
from courses import grading, terms
from courses.forms import AssignmentForm, OverrideForm, TermCopyForm
from courses.permissions import get_assignment_for
from courses.presenters import copy_messages
from courses.scoring import gradebook as gradebook_for
from courses.scoring import rubric_parts, score_for, ways_to_raise
from groups.models import Membership, Role
from groups.roles import role_in
from reader.models import Document


@login_required
@require_GET
def group_assignments(request, pk):
    """The group's assignments, soonest due first; on the group page (htmx) or a page of its own.
    Queries: session, user, group, roles, assignments with their readings."""
    group = get_group_for(request.user, pk)
    # As assignment.view nests under document.view: none on a paper the viewer may not read.
    readable = visible_documents(request.user, Document.objects.all())
    assignments = group.assignments.filter(document__in=readable).select_related("document").order_by("due_at", "pk")
    template = "courses/_group_assignments.html" if request.htmx else "courses/assignments.html"
    can_grade = has_permission(request.user, "group.grade", group)
    context = {"group": group, "assignments": assignments, "can_grade": can_grade}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, pk):
    group = get_group_for(request.user, pk, "group.grade")
    form = AssignmentForm(request.POST or None, group=group, initial={"document": request.GET.get("document")})
    if request.method == "POST" and form.is_valid():
        form.instance.group, form.instance.created_by = group, request.user
        with transaction.atomic():
            assignment = form.save()
        messages.success(request, f"“{assignment}” is set. Members see it on the group page.")
        return redirect(assignment)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "group": group, "assignment": None}
    return render(request, "courses/assignment_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk):
    assignment = get_assignment_for(request.user, pk, "assignment.grade")
    form = AssignmentForm(request.POST or None, instance=assignment, group=assignment.group)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "The assignment has been saved; every score now follows the new rubric.")
        return redirect(assignment)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "group": assignment.group, "assignment": assignment}
    return render(request, "courses/assignment_form.html", context, status=status)


@login_required
@require_GET
def assignment(request, pk):
    """The assignment, and for a member their own score, its breakdown and what would raise it.
    Queries: session, user, assignment, roles, then score_for's five (for a member)."""
    assignment = get_assignment_for(request.user, pk)
    graded = role_in(request.user, assignment.group_id) == Role.MEMBER
    score = score_for(assignment, request.user) if graded else None
    context = {
        "assignment": assignment,
        "group": assignment.group,
        "score": score,
        # An override stands whatever is written next: no advice then.
        "ways": ways_to_raise(assignment, score) if score and not score.overridden else [],
        "late_now": assignment.due_at is not None and timezone.now() > assignment.due_at,
        "can_grade": has_permission(request.user, "assignment.grade", assignment),
        "parts": list(rubric_parts(assignment)),
    }
    return render(request, "courses/assignment.html", context)


@login_required
@require_GET
def gradebook(request, pk):
    """One row a student. Queries: session, user, assignment, roles, then gradebook's six."""
    assignment = get_assignment_for(request.user, pk, "assignment.grade")
    scores = gradebook_for(assignment)
    context = {
        "assignment": assignment,
        "group": assignment.group,
        "scores": scores,
        "headings": [row.part.short for row in scores[0].breakdown] if scores else [],
        "notes_url": reverse("search") + f"?document={assignment.document.slug}&author=",
    }
    return render(request, "courses/gradebook.html", context)


CSV_HEADINGS = ["Student", "Username", "Score", "Out of", "Set by the instructor", "Reason"]


@login_required
@require_GET
def gradebook_csv(request, pk):
    """The gradebook's numbers, exactly as the page shows them, one row a student."""
    assignment = get_assignment_for(request.user, pk, "assignment.grade")
    scores = gradebook_for(assignment)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(assignment.title) or "assignment"}-scores.csv"'
    response.write("\ufeff")  # BOM, so spreadsheet programs read UTF-8
    writer = csv.writer(response)
    parts = scores[0].breakdown if scores else []
    writer.writerow(CSV_HEADINGS + [f"{part.label} ({heading})" for part in parts for heading in ("count", "points")]
                    + ["Explanation"])
    for score in scores:
        writer.writerow([csv_cell(value) for value in [
            str(score.user), score.user.get_username(), score.points, score.points_possible,
            "yes" if score.overridden else "", score.override_reason,
            *[value for part in score.breakdown for value in (part.count, part.earned)], score.comment,
        ]])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def score_override(request, pk, username):
    """GET: the form; POST: set the override (or, with `clear`, go back to the computed score)."""
    assignment = get_assignment_for(request.user, pk, "assignment.grade")
    membership = (
        Membership.objects.select_related("user")
        .filter(group_id=assignment.group_id, role=Role.MEMBER, user__username=username)
        .first()
    )
    if membership is None:
        raise Http404("No such student.")
    student = membership.user
    score = score_for(assignment, student)
    initial = {"points": score.points, "reason": score.override_reason}
    form = OverrideForm(
        request.POST if request.method == "POST" and "clear" not in request.POST else None,
        initial=initial, points_possible=assignment.points_possible,
    )
    if request.method == "POST":
        if "clear" in request.POST:
            grading.clear_override(assignment, student)
            messages.success(request, f"{student}'s score is computed from their participation again.")
            return redirect("gradebook", assignment.pk)
        if form.is_valid():
            grading.set_override(assignment, student, form.cleaned_data["points"], form.cleaned_data["reason"],
                                 by=request.user)
            messages.success(request, f"{student}'s score is set to {form.cleaned_data['points']}.")
            return redirect("gradebook", assignment.pk)
    status = 400 if form.is_bound else 200
    context = {"assignment": assignment, "group": assignment.group, "student": student, "score": score, "form": form}
    return render(request, "courses/score_override.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def copy_term(request, pk):
    """The copy form (what will and will not be copied), and copying: then the new group's page
    says what came over and what could not."""
    group = get_group_for(request.user, pk, "group.copy_term")
    form = TermCopyForm(request.POST or None, source=group)
    if request.method == "POST" and form.is_valid():
        new = terms.copy_group_into_new_term(group, name=form.cleaned_data["name"], by=request.user)
        for level, text in copy_messages(new.term_report):
            messages.add_message(request, level, text)
        return redirect(new)
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "form": form, "carried": terms.what_carries(group)}
    return render(request, "courses/copy_term.html", context, status=status)
