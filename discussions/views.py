"""Discussion views: threads, curation, guides, moderation, notifications and follows.

Every check is a permission of annotations.permissions (fetched with its get_*_for helpers);
the work is done by the modules named for it (posting, curation, moderation, guides, ...).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from access.policy import (
    get_document_for,
    get_group_for,
    get_paragraph_for,
    has_permission,
    visible_documents,
    visible_groups,
)
from annotations.editing import InvalidInput
from annotations.models import Annotation
from annotations.permissions import get_annotation_for, get_annotation_for_action, visible_annotations
from annotations.presenters import card_queryset, present
from annotations.rendering import excerpt
from annotations.views.annotations import margin_response
from config.redirects import safe_next
from discussions import curation, guides, moderation
from discussions.display import SORTS, paragraph_threads, thread_for
from discussions.forms import (
    FlagForm,
    GuideNoteForm,
    GuideStepForm,
    LockForm,
    NotificationPreferenceForm,
    PromptForm,
    ReasonForm,
    ReplyForm,
)
from discussions.mentions import member_suggestions
from discussions.models import Follow, Guide, GuideStep, ModerationAction, Notification, NotificationPreference
from discussions.notifications import describe, unread_count, visible_notifications
from discussions.posting import create_prompt, create_reply, may_post_anonymously
from discussions.threads import root_id_of
from discussions.voting import toggle_vote
from groups.models import GroupSettings
from reader.rendering import paragraph_name


FLAGGED = "Flagged — a moderator will look at it."


def _back(request, default):
    """Where to go after an action: a same-site `next`, else `default`."""
    return safe_next(request) or default


def _thread_url(annotation):
    return f"{reverse('thread', args=[root_id_of(annotation)])}#a-{annotation.pk}"


def _on(request) -> bool:
    return request.POST.get("on", "1") not in {"0", "false", "off", ""}


# --- Threads ------------------------------------------------------------------------------


@require_GET
def thread(request, pk):
    """A thread: its root with the replies this person may see, nested (depth-limited). For
    htmx, the same thread as the reading page's margin shows it in place of the note's card."""
    annotation = get_annotation_for(request.user, pk, Annotation.objects.select_related("curation"))
    if request.htmx:
        return _margin_thread(request, annotation)
    root_id = root_id_of(annotation)
    if root_id != annotation.pk:
        root = Annotation.objects.filter(pk=root_id).first()
        if root is not None and visible_annotations(request.user, Annotation.objects.filter(pk=root_id)).exists():
            return redirect(_thread_url(annotation))
    return _render_thread(request, annotation)


def _render_thread(request, root, reply_form=None, lock_form=None, status=200, template="discussions/thread.html", extra=None):
    user = request.user
    shown = thread_for(user, root)
    group_id = shown.root.group_id
    context = {
        "thread": shown,
        "paragraph": shown.annotation.paragraph,
        "document": shown.annotation.paragraph.document,
        "reply_form": reply_form or ReplyForm(allow_anonymous=may_post_anonymously(user, shown.annotation.group), group_id=group_id),
        "lock_form": lock_form or LockForm(),
        "following": user.is_authenticated and Follow.objects.filter(user=user, annotation_id=shown.root.pk).exists(),
        **(extra or {}),
    }
    return render(request, template, context, status=status)


def _shown_root(user, annotation):
    """The root of `annotation`'s thread, if `user` may see it (else the annotation itself,
    as the thread page shows a reply whose root is out of sight)."""
    root_id = root_id_of(annotation)
    if root_id == annotation.pk:
        return annotation
    root = visible_annotations(user, Annotation.objects.filter(pk=root_id).select_related("curation")).first()
    return root or annotation


def _margin_thread(request, annotation, said="", reply_form=None, lock_form=None, status=200, focus=None, flag_form=None):
    """The thread of `annotation` as the reading page's margin shows it (htmx: it replaces the
    note's card, and every action in it answers with it again). `said` is read out to screen
    readers; `focus` is the card to move to (a new reply); `flag_form`, a flag of `annotation`
    refused, shown open on its card with what was typed."""
    root = _shown_root(request.user, annotation)
    # The forms' ids are the thread's own: the reading page has many forms and threads open.
    prefix = f"mt{root.pk}-%s"
    allow_anonymous = may_post_anonymously(request.user, root.group)
    if reply_form is None:
        reply_form = ReplyForm(allow_anonymous=allow_anonymous, group_id=root.group_id, auto_id=prefix)
    reply_form.auto_id = prefix
    lock_form = lock_form or LockForm(auto_id=prefix)
    lock_form.auto_id = prefix
    extra = {"said": said, "focus": focus, "in_margin": True}
    if flag_form is not None:
        errors = flag_form.errors.get("reason") or flag_form.non_field_errors()
        extra.update(flag_for=annotation.pk, flag_reason=flag_form.data.get("reason", ""), flag_error=" ".join(errors))
        extra["said"] = extra["flag_error"]
    return _render_thread(
        request, root, reply_form=reply_form, lock_form=lock_form, status=status,
        template="discussions/_margin_thread.html", extra=extra,
    )


@login_required
@require_POST
def reply(request, pk):
    parent = get_annotation_for_action(request.user, pk, "annotation.reply")
    form = ReplyForm(
        request.POST, allow_anonymous=may_post_anonymously(request.user, parent.group), group_id=parent.group_id
    )
    if form.is_valid():
        try:
            new = create_reply(request.user, parent, form.cleaned_data["body"], form.cleaned_data.get("anonymous", False))
        except InvalidInput as invalid:
            invalid.add_to(form)
        else:
            if request.htmx:
                return _margin_thread(request, new, said="Reply posted.", focus=new.pk)
            return redirect(_back(request, _thread_url(new)).split("#")[0] + f"#a-{new.pk}")
    if request.htmx:
        return _margin_thread(request, parent, reply_form=form, status=422)
    root = Annotation.objects.select_related("curation").get(pk=root_id_of(parent))
    return _render_thread(request, root, reply_form=form, status=422)


@login_required
@require_POST
def vote(request, pk):
    annotation = get_annotation_for_action(request.user, pk, "annotation.vote")
    toggle_vote(request.user, annotation)
    if request.htmx:
        card = present(request.user, card_queryset(request.user, Annotation.objects.filter(pk=annotation.pk)).get())
        return render(request, "discussions/_vote.html", {"card": card})
    return redirect(_back(request, _thread_url(annotation)))


@login_required
@require_http_methods(["GET", "POST"])
def flag(request, pk):
    annotation = get_annotation_for_action(request.user, pk, "annotation.flag")
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moderation.flag(request.user, annotation, form.cleaned_data["reason"])
            except moderation.AlreadyFlagged:
                form.add_error(None, "You have already flagged this note; a moderator will look at it.")
                status = 409
            else:
                if request.htmx:  # from a thread in the reading page's margin: it comes back there
                    return _margin_thread(request, annotation, said=FLAGGED, focus=annotation.pk)
                messages.success(request, "Thank you. A moderator will look at it.")
                return redirect(_back(request, _thread_url(annotation)))
        else:
            status = 422
        if request.htmx:
            return _margin_thread(request, annotation, status=status, focus=annotation.pk, flag_form=form)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "discussions/flag.html", {"annotation": annotation, "form": form, "next": next_url}, status=status)


def _moderate(request, pk, permission, act, message):
    annotation = get_annotation_for_action(request.user, pk, permission)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _margin_thread(request, annotation, said="The reason is too long (500 characters at most).", status=422)
        messages.error(request, "The reason is too long (500 characters at most).")
        return redirect(_back(request, _thread_url(annotation)))
    act(request.user, annotation, form.cleaned_data["reason"])
    if request.htmx:
        return _margin_thread(request, annotation, said=message, focus=annotation.pk)
    messages.success(request, message)
    return redirect(_back(request, _thread_url(annotation)))


@login_required
@require_POST
def hide(request, pk):
    return _moderate(request, pk, "annotation.hide", moderation.hide, "Hidden. Its author still sees it, marked hidden.")


@login_required
@require_POST
def unhide(request, pk):
    return _moderate(request, pk, "annotation.unhide", moderation.restore, "Restored: shown again.")


@login_required
@require_POST
def dismiss(request, pk):
    return _moderate(request, pk, "annotation.hide", moderation.dismiss, "Flags dismissed; the note stays shown.")


def _curate(request, pk, permission, apply, said):
    """The on/off curation actions: check the permission, apply(annotation, on), back to the
    thread (for htmx, the margin's thread again, `said` = (when on, when off) read out)."""
    annotation = get_annotation_for_action(request.user, pk, permission)
    on = _on(request)
    apply(annotation, on)
    if request.htmx:
        return _margin_thread(request, annotation, said=said[0] if on else said[1], focus=annotation.pk)
    return redirect(_back(request, _thread_url(annotation)))


@login_required
@require_POST
def mark_question(request, pk):
    return _curate(request, pk, "annotation.mark_question", curation.set_question, ("Marked as a question.", "No longer a question."))


@login_required
@require_POST
def resolve(request, pk):
    return _curate(
        request, pk, "annotation.resolve", lambda a, on: curation.set_resolved(request.user, a, on),
        ("Marked resolved.", "Reopened."),
    )


@login_required
@require_POST
def pin(request, pk):
    return _curate(
        request, pk, "annotation.pin", lambda a, on: curation.set_pinned(request.user, a, on), ("Pinned.", "Unpinned."),
    )


@login_required
@require_POST
def endorse(request, pk):
    return _curate(
        request, pk, "annotation.endorse", lambda a, on: curation.set_endorsed(request.user, a, on),
        ("Endorsed.", "Endorsement withdrawn."),
    )


@login_required
@require_POST
def lock(request, pk):
    annotation = get_annotation_for_action(request.user, pk, "annotation.lock")
    form = LockForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _margin_thread(request, annotation, lock_form=form, status=422)
        return _render_thread(request, annotation, lock_form=form, status=422)
    locking = form.cleaned_data["lock"]
    curation.set_locked(request.user, annotation, locking, form.cleaned_data["reason"].strip())
    if request.htmx:
        return _margin_thread(request, annotation, said="Thread locked." if locking else "Thread unlocked.")
    return redirect(_back(request, _thread_url(annotation)))


# --- A paragraph's discussion and prompts -----------------------------------------------------


def _prompt_groups(user):
    groups = visible_groups(user)
    return groups.filter(pk__in=[g.pk for g in groups if has_permission(user, "group.post_prompt", g)])


@require_GET
def paragraph_discussion(request, slug, anchor):
    """A paragraph with the threads on it this person may see, a page at a time, sorted as they ask."""
    paragraph = get_paragraph_for(request.user, slug, anchor)
    return _render_paragraph(request, paragraph)


def _render_paragraph(request, paragraph, prompt_form=None, status=200, template="discussions/paragraph.html", extra=None):
    user = request.user
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in SORTS else "newest"
    first_root_id = (extra or {}).get("first_root_id")
    page = paragraph_threads(user, paragraph, sort, first_root_id=first_root_id, page_number=request.GET.get("page"))
    context = {
        "paragraph": paragraph,
        "document": paragraph.document,
        "threads": page.object_list,
        "threads_page": page,
        "sort": sort,
        "sorts": SORTS,
        "reply_form": ReplyForm(),
    }
    if user.is_authenticated:
        groups = _prompt_groups(user)
        if prompt_form is not None or groups.exists():
            context["prompt_form"] = prompt_form or PromptForm(groups=groups)
    context.update(extra or {})
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_prompt(request, slug, anchor):
    """An instructor's prompt on a paragraph and, if asked, the next step of the group's
    discussion guide to the paper (started when it has none). With htmx the form opens in the
    paragraph's margin on the reading page and the margin comes back after; without, it is
    on the paragraph's discussion page."""
    paragraph = get_paragraph_for(request.user, slug, anchor)
    groups = _prompt_groups(request.user)
    if not groups.exists():
        raise PermissionDenied
    discussion_url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{discussion_url}#prompt")
        return _margin_prompt(request, paragraph, PromptForm(groups=groups))
    form = PromptForm(request.POST, groups=groups)
    if form.is_valid() and form.cleaned_data["add_to_guide"] and not has_permission(
        request.user, "group.edit_guide", form.cleaned_data["group"]
    ):
        form.add_error("add_to_guide", "Only the group's instructors change its discussion guide.")
    if not form.is_valid():
        if request.htmx:
            return _margin_prompt(request, paragraph, form, status=422)
        return _render_paragraph(request, paragraph, prompt_form=form, status=422)
    data = form.cleaned_data
    with transaction.atomic():
        prompt = create_prompt(request.user, paragraph, data["group"], data["body"], data["is_question"])
        step = None
        if data["add_to_guide"]:
            found = guides.guide_for(data["group"], paragraph.document, create_by=request.user)
            step = guides.add_step(found, prompt, data["step_note"].strip())
    said = f"Prompt posted, step {step.position} of the discussion guide." if step else "Prompt posted."
    if request.htmx:
        response = margin_response(request, paragraph)
        # The reading page says what happened, and its guide bar shows the new step (guide.js).
        events = {"marginalia:said": said}
        if step:
            events["marginalia:guide"] = {"group": data["group"].pk, "step": step.position}
        response["HX-Trigger-After-Settle"] = json.dumps(events)
        return response
    messages.success(request, said)
    return redirect(_back(request, f"{discussion_url}#a-{prompt.pk}"))


def _margin_prompt(request, paragraph, form, status=200):
    """The prompt form in a paragraph's margin (htmx), its ids the paragraph's own."""
    form.auto_id = f"pr-{paragraph.anchor}-%s"
    context = {"form": form, "paragraph": paragraph, "document": paragraph.document}
    response = render(request, "discussions/_margin_prompt.html", context, status=status)
    return reswap(retarget(response, f"#f-{paragraph.anchor}"), "innerHTML")


@require_GET
def reading_guide(request, slug):
    """The reading page's guide bar (htmx, loaded after the page): one step of a group's
    discussion guide to this paper (?group=, ?step=; the first by default) with the previous and
    next, and for an instructor how to start or continue one. Nothing for whoever has neither.
    Queries: (session, user,) the document, roles, the guides, the step, whether its note is seen."""
    document = get_document_for(request.user, slug)
    user = request.user
    if not user.is_authenticated:
        return HttpResponse(status=204)
    groups = [g for g in visible_groups(user) if has_permission(user, "group.read_guide", g)]
    found = list(
        Guide.objects.filter(document=document, group__in=groups).annotate(total=Count("steps"))
        .filter(total__gt=0).select_related("group").order_by("group__name")
    )
    can_prompt = [g for g in groups if has_permission(user, "group.post_prompt", g)]
    if not found and not can_prompt:
        return HttpResponse(status=204)
    chosen = next((g for g in found if str(g.group_id) == request.GET.get("group")), found[0] if found else None)
    context = {
        "document": document, "guides": found, "guide": chosen, "can_prompt": bool(can_prompt),
        "prompt_url": reverse("post_prompt", args=[document.slug, "__anchor__"]),
    }
    if chosen is not None:
        position = min(max(_int(request.GET.get("step") or 1), 1), chosen.total)
        step = chosen.steps.select_related("annotation__paragraph", "annotation__curation").get(position=position)
        step.annotation.paragraph.document = document
        seen = visible_annotations(user, Annotation.objects.filter(pk=step.annotation_id)).exists()
        context.update(step=step, total=chosen.total, step_text=step.note or (excerpt(step.annotation.body, 160) if seen else ""),
                       step_where=paragraph_name(step.annotation.paragraph), step_seen=seen)
    response = render(request, "discussions/_guide_bar.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Discussion guides ----------------------------------------------------------------------


def _guide_objects(request, pk, slug, permission="group.read_guide"):
    group = get_group_for(request.user, pk, permission)
    document = get_document_for(request.user, slug)
    return group, document


@login_required
@require_GET
def guide(request, pk, slug):
    group, document = _guide_objects(request, pk, slug)
    return _render_guide(request, group, document)


def _render_guide(request, group, document, form=None, status=200):
    user = request.user
    found = guides.guide_for(group, document)
    steps = list(
        found.steps.select_related("annotation__paragraph", "annotation__curation", "annotation__author")
        if found else []
    )
    visible_ids = set(
        visible_annotations(user, Annotation.objects.filter(pk__in=[s.annotation_id for s in steps])).values_list(
            "pk", flat=True
        )
    )
    for step in steps:
        step.visible = step.annotation_id in visible_ids
    can_edit = has_permission(user, "group.edit_guide", group)
    context = {
        "group": group, "document": document, "guide": found, "steps": steps, "can_edit": can_edit,
        "following": Follow.objects.filter(user=user, group=group, document=document).exists(),
    }
    if can_edit:
        # ?annotation=: a note's "Add to guide" without JavaScript (add_to_guide), chosen already.
        initial = {"annotation": request.GET.get("annotation")} if request.GET.get("annotation") else None
        context["form"] = form or GuideStepForm(candidates=guides.candidates(group, document), initial=initial)
    return render(request, "discussions/guide.html", context, status=status)


@login_required
@require_POST
def guide_add_step(request, pk, slug):
    group, document = _guide_objects(request, pk, slug, "group.edit_guide")
    form = GuideStepForm(request.POST, candidates=guides.candidates(group, document))
    if not form.is_valid():
        return _render_guide(request, group, document, form=form, status=422)
    found = guides.guide_for(group, document, create_by=request.user)
    guides.add_step(found, form.cleaned_data["annotation"], form.cleaned_data["note"])
    return redirect("guide", pk=group.pk, slug=document.slug)


@login_required
@require_http_methods(["GET", "POST"])
def add_to_guide(request, pk):
    """A note (any group note an instructor may see, not only a prompt) as the next step of its
    group's discussion guide to its paper, started when there is none: from the note's card in
    the reading page's margin, where the form opens under the card (htmx) and the answer says
    which step it became, and the guide bar shows it. Without JavaScript: the guide's page with
    the note chosen. Queries: (session, user,) the note, roles, the guide, the step it may
    already be, the number of steps; to add, the guide's lock, the last step, the step."""
    annotation = get_annotation_for_action(request.user, pk, "annotation.add_to_guide")
    group, document = annotation.group, annotation.paragraph.document
    guide_url = reverse("guide", args=[group.pk, document.slug])
    if request.method == "GET" and not request.htmx:
        return redirect(f"{guide_url}?annotation={annotation.pk}#add-step")
    found = guides.guide_for(group, document)
    step = guides.step_of(group, document, annotation) if found else None
    form = GuideNoteForm(request.POST if request.method == "POST" else None, auto_id=f"gs{annotation.pk}-%s")
    context = {"annotation": annotation, "group": group, "guide_url": guide_url, "form": form, "step": step}
    if request.method == "POST" and step is None and form.is_valid():
        with transaction.atomic():
            found = guides.guide_for(group, document, create_by=request.user)
            step = guides.add_step(found, annotation, form.cleaned_data["note"].strip())
        if not request.htmx:
            messages.success(request, f"Added as step {step.position} of the discussion guide.")
            return redirect(f"{guide_url}#step-{step.pk}")
        response = render(request, "discussions/_guide_add.html", {**context, "step": step, "added": True})
        # The guide bar on the reading page shows the new step (guide.js).
        response["HX-Trigger-After-Settle"] = json.dumps({"marginalia:guide": {"group": group.pk, "step": step.position}})
        return response
    if not request.htmx:  # a step already, or a note too long: the guide's page says what there is
        return redirect(f"{guide_url}?annotation={annotation.pk}#add-step")
    context["next_position"] = (found.steps.count() if found else 0) + 1
    return render(request, "discussions/_guide_add.html", context, status=422 if form.errors else 200)


def _step_for_edit(request, pk, slug, step_pk):
    group, document = _guide_objects(request, pk, slug, "group.edit_guide")
    step = get_object_or_404(GuideStep, pk=step_pk, guide__group=group, guide__document=document)
    return group, document, step


@login_required
@require_POST
def guide_move_step(request, pk, slug, step_pk):
    group, document, step = _step_for_edit(request, pk, slug, step_pk)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if direction is None:
        return render(request, "discussions/bad_request.html", {"message": "Move a step up or down."}, status=400)
    guides.move_step(step, direction)
    return redirect(f"{reverse('guide', args=[group.pk, document.slug])}#step-{step.pk}")


@login_required
@require_POST
def guide_remove_step(request, pk, slug, step_pk):
    group, document, step = _step_for_edit(request, pk, slug, step_pk)
    guides.remove_step(step)
    return redirect("guide", pk=group.pk, slug=document.slug)


@login_required
@require_GET
def guide_step(request, pk, slug, position):
    """One step of a guide: the paragraph with its threads, the step's prompt or note first."""
    group, document = _guide_objects(request, pk, slug)
    found = guides.guide_for(group, document)
    if found is None:
        raise Http404("No guide.")
    step = get_object_or_404(found.steps.select_related("annotation__paragraph"), position=position)
    paragraph = step.annotation.paragraph
    paragraph.document = document
    total = found.steps.count()
    extra = {
        "group": group, "guide": found, "step": step, "total": total, "first_root_id": root_id_of(step.annotation),
    }
    return _render_paragraph(request, paragraph, template="discussions/guide_step.html", extra=extra)


# --- Moderation -----------------------------------------------------------------------------


@login_required
@require_GET
def moderation_queue(request, pk):
    """Flagged (and hidden) notes of a group. Queries: group, roles, the queue, its flags, instructors."""
    group = get_group_for(request.user, pk, "group.moderate")
    queued = list(card_queryset(request.user, moderation.queue(request.user, group))[:100])
    flags = moderation.open_flag_reasons(queued)
    items = [(present(request.user, a), a.open_flags, flags.get(a.pk, [])) for a in queued]
    return render(request, "discussions/moderation_queue.html", {
        "group": group, "items": items,
        "can_read_log": has_permission(request.user, "group.read_moderation_log", group),
    })


@login_required
@require_GET
def moderation_log(request, pk):
    group = get_group_for(request.user, pk, "group.read_moderation_log")
    actions = ModerationAction.objects.filter(group=group).select_related(
        "actor", "annotation__author", "annotation__curation", "annotation__paragraph__document"
    )
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(request, "discussions/moderation_log.html", {"group": group, "page": page})


# --- Group discussion settings and hub ----------------------------------------------------


@login_required
@require_GET
def group_discussion(request, pk):
    """The group's discussion hub: guides per document, follow, and the staff's tools."""
    group = get_group_for(request.user, pk)
    documents = visible_documents(request.user).annotate(
        has_guide=Exists(GuideStep.objects.filter(guide__group=group, guide__document=OuterRef("pk")))
    )
    context = {
        "group": group,
        "documents": documents,
        "settings": GroupSettings.objects.filter(group=group).first(),
        "following": Follow.objects.filter(user=request.user, group=group, document__isnull=True).exists(),
        "can": {
            p: has_permission(request.user, f"group.{p}", group)
            for p in ("moderate", "read_moderation_log", "discussion_settings", "edit_guide")
        },
    }
    return render(request, "discussions/group_discussion.html", context)


@login_required
@require_GET
def mention_suggestions(request, pk):
    group = get_group_for(request.user, pk, "group.mention")
    people = member_suggestions(group, request.GET.get("q", ""))
    return JsonResponse({"results": [{"username": u, "name": n or u} for u, n in people]})


# --- Notifications and follows ------------------------------------------------------------


@login_required
@require_GET
def notifications(request):
    """Queries: the page of notifications (with their notes) and the follows."""
    items = list(
        visible_notifications(request.user).select_related(
            "annotation__author", "annotation__curation", "annotation__paragraph__document__publication",
            "annotation__group",
        )[:100]
    )
    for n in items:
        n.summary = describe(n, request.user)
    follows = Follow.objects.filter(user=request.user).select_related("annotation", "group", "document")
    return render(request, "discussions/notifications.html", {"items": items, "follows": follows})


@require_GET
def notifications_unread(request):
    """The header's unread count (an htmx fragment). Queries: session, user, the count."""
    count = unread_count(request.user) if request.user.is_authenticated else 0
    response = render(request, "discussions/_unread_count.html", {"count": count})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def notification_open(request, pk):
    notification = get_object_or_404(visible_notifications(request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    if notification.kind == Notification.Kind.ORPHANED:
        # The orphans page, at this note's card and its "Attach it again" button.
        return redirect(reverse("orphans") + f"#orphan-of-{notification.annotation_id}")
    return redirect(_thread_url(notification.annotation))


@login_required
@require_POST
def notifications_read(request):
    """Mark one (`id`) or all notifications read."""
    qs = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    if request.POST.get("id"):
        qs = qs.filter(pk=_int(request.POST["id"]))
    qs.update(read_at=timezone.now())
    return redirect(_back(request, reverse("notifications")))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    instance = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    form = NotificationPreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Notification settings saved.")
        return redirect("notification_settings")
    return render(request, "discussions/notification_settings.html", {"form": form})


@login_required
@require_POST
def follow(request):
    """Follow (on=1) or unfollow (on=0) a thread (`annotation`), a group, or a document in a group."""
    user, on = request.user, _on(request)
    if request.POST.get("annotation"):
        annotation = get_annotation_for(user, _int(request.POST["annotation"]))
        target = {"annotation_id": root_id_of(annotation)}
        default = _thread_url(annotation)
    elif request.POST.get("group"):
        group = get_group_for(user, _int(request.POST["group"]), "group.view")
        target = {"group": group, "document": None}
        default = reverse("group_discussion", args=[group.pk])
        if request.POST.get("document"):
            target["document"] = get_document_for(user, request.POST["document"])
    else:
        return render(request, "discussions/bad_request.html", {"message": "Say what to follow."}, status=400)
    if on:
        Follow.objects.get_or_create(user=user, **target)
    else:
        Follow.objects.filter(user=user, **target).delete()
    return redirect(_back(request, default))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such thing.") from None
