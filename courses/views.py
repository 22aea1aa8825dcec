"""A course's pages: copying a group into a new term."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from access.policy import get_group_for
from courses import terms
from courses.forms import TermCopyForm
from courses.presenters import copy_messages


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
