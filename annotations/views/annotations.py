"""Annotating a paragraph, editing, deleting and restoring; an annotation's page, a tag's page,
a person's page and tag suggestions.

Each write works as an ordinary form (redirect back to the paragraph, #p-<anchor>) and with
htmx (the paragraph's margin comes back to be swapped in place; a form with errors comes
back in place of the form, status 422, or 409 for an edit that lost a race).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from access.policy import get_document_for, get_paragraph_for, has_permission, readable_papers_q
from annotations import editing
from annotations.forms_annotations import AnnotationForm
from annotations.models import Annotation
from annotations.permissions import (
    author_known_q,
    get_annotation_for,
    get_annotation_for_action,
    visible_annotations,
    visible_tagged,
)
from annotations.presenters import card_queryset, present
from annotations.reading import BATCH_PARAGRAPHS, MarginFilter, margin_limit, paragraph_margin, paragraph_margins
from config.redirects import safe_next
from reader.rendering import ReadingPage

PAGE_SIZE = 50
SUGGESTIONS = 10


def _back(request, paragraph) -> str:
    """The paragraph in the reading page, with the margin filter the person had."""
    query = MarginFilter.from_params(request.user, request.GET).querystring()
    return f"{paragraph.document.get_absolute_url()}{query}#p-{paragraph.anchor}"


def margin_response(request, paragraph, status=200):
    """The paragraph's margin (and its text, out of band, for the highlights), for htmx: the
    answer to every change made in a margin (here and in the discussions app's views). As
    many cards as the Margin-Shown header asks for: a margin the reader grew in place ("12
    more notes") sends it with every request made in it (static/js/margin.js, live.js), so a
    change there does not shrink it back."""
    limit = margin_limit(request.headers.get("Margin-Shown"))
    margins = paragraph_margin(request.user, paragraph, request.GET, limit=limit)
    context = {
        "paragraph": margins.paragraphs[0], "document": paragraph.document, "margin_filter": margins.filter, "swap": True,
    }
    return render(request, "annotations/_margin_swap.html", context, status=status)


def _form_response(request, template, context, status):
    """A form with errors: in place of the form for htmx, as a page otherwise."""
    if request.htmx:
        response = render(request, "annotations/_annotation_form.html", context, status=status)
        return reswap(retarget(response, f"#{context['form_id']}"), "outerHTML")
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_new(request, slug, anchor):
    paragraph = get_paragraph_for(request.user, slug, anchor)
    if not has_permission(request.user, "paragraph.annotate", paragraph):
        raise PermissionDenied
    form = AnnotationForm(
        request.POST or None, user=request.user, paragraph=paragraph,
        # A selection made in the page arrives as ?quote=&start=&end= (see static/js/annotate.js).
        initial=None if request.method == "POST" else {k: request.GET.get(k, "") for k in ("quote", "start", "end")},
    )
    context = {"form": form, "paragraph": paragraph, "document": paragraph.document, "form_id": f"new-{anchor}"}
    if request.method == "GET":
        template = "annotations/_annotation_form.html" if request.htmx else "annotations/annotation_form.html"
        return render(request, template, context)
    if not form.is_valid():
        return _form_response(request, "annotations/annotation_form.html", context, 422)
    try:
        editing.create_annotation(request.user, paragraph, form.for_service(), host=request.get_host())
    except editing.InvalidInput as invalid:
        form.show(invalid)
        return _form_response(request, "annotations/annotation_form.html", context, 422)
    if request.htmx:
        return margin_response(request, paragraph)
    messages.success(request, "Annotation saved.")
    return redirect(_back(request, paragraph))


@require_GET
def annotation(request, pk):
    a = get_annotation_for(request.user, pk, Annotation.objects.select_related("curation"))
    if a.parent_id is not None:
        return redirect("thread", a.parent_id)
    a = card_queryset(request.user, Annotation.objects.filter(pk=a.pk)).get()
    context = {"card": present(request.user, a), "paragraph": a.paragraph, "document": a.paragraph.document}
    return render(request, "annotations/annotation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request, pk):
    a = get_annotation_for_action(request.user, pk, "annotation.edit")
    paragraph = a.paragraph
    form = AnnotationForm(request.POST or None, user=request.user, paragraph=paragraph, instance=a)
    context = {"form": form, "paragraph": paragraph, "document": paragraph.document, "a": a, "form_id": f"edit-{a.pk}"}
    if request.method == "GET":
        template = "annotations/_annotation_form.html" if request.htmx else "annotations/annotation_form.html"
        return render(request, template, context)
    if not form.is_valid():
        return _form_response(request, "annotations/annotation_form.html", context, 422)
    version = form.cleaned_data.get("version") or 0
    try:
        editing.update_annotation(request.user, a, form.for_service(), version=version, host=request.get_host())
    except editing.InvalidInput as invalid:
        form.show(invalid)
        return _form_response(request, "annotations/annotation_form.html", context, 422)
    except editing.EditConflict as conflict:
        current = conflict.current
        if current.deleted_at is not None:
            messages.error(request, "This annotation was deleted while you were editing it.")
            return redirect(_back(request, paragraph))
        # Keep everything typed; the form now carries the newer version, so saving again is a
        # deliberate choice to replace it, made after seeing it.
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = AnnotationForm(data, user=request.user, paragraph=paragraph, instance=current)
        form.is_valid()
        context.update(form=form, conflict=current, a=current)
        return _form_response(request, "annotations/annotation_form.html", context, 409)
    if request.htmx:
        return margin_response(request, paragraph)
    messages.success(request, "Annotation updated.")
    return redirect(_back(request, paragraph))


@login_required
@require_POST
def annotation_delete(request, pk):
    a = get_annotation_for_action(request.user, pk, "annotation.delete")
    editing.soft_delete(a)
    if request.htmx:
        return margin_response(request, a.paragraph)
    messages.success(request, "Annotation deleted. You can restore it from the margin or your page for 30 days.")
    return redirect(_back(request, a.paragraph))


@login_required
@require_POST
def annotation_restore(request, pk):
    a = get_annotation_for_action(request.user, pk, "annotation.restore")
    editing.restore(a)
    if request.htmx:
        return margin_response(request, a.paragraph)
    messages.success(request, "Annotation restored.")
    return redirect(_back(request, a.paragraph))


@require_GET
def paragraph_margin_view(request, slug, anchor):
    """One paragraph's margin (htmx: after cancelling a form, a live update, or "N more notes"
    asking for more of it in place)."""
    paragraph = get_paragraph_for(request.user, slug, anchor)
    return margin_response(request, paragraph)


@require_GET
def document_margins(request, slug):
    """The margins of a run of paragraphs (?from=&to=, their positions), which the reading page
    loads as they scroll into view: each margin and its text swapped in out of band.
    Queries: the document, the margins' (annotations.reading); the paragraphs come with the
    document's kept text (reader.rendering.ReadingPage.of)."""
    document = get_document_for(request.user, slug)
    try:
        first, last = int(request.GET["from"]), int(request.GET["to"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("Which paragraphs? ?from=&to= are their positions.", content_type="text/plain")
    kept = ReadingPage.of(document).paragraphs
    paragraphs = [p.paragraph for p in kept if first <= p.paragraph.position <= last][:BATCH_PARAGRAPHS]
    margins = paragraph_margins(request.user, document, paragraphs, request.GET)
    context = {"paragraphs": margins.paragraphs, "document": document, "margin_filter": margins.filter}
    return render(request, "annotations/_margins_batch.html", context)


# --- Lists ---------------------------------------------------------------------------------


def _listed(user, queryset):
    """Visible, live annotations, newest first, with what a card shows (constant queries:
    the page, its tags, its links)."""
    return card_queryset(user, visible_annotations(user, queryset).live().roots()).order_by("-created", "-pk")


def _page(request, queryset):
    """A page of cards."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [present(request.user, a) for a in page.object_list]
    return page


@require_GET
def tag(request, name):
    """Everything `user` may see with this tag. Queries: the count, the page of annotations,
    their tags, their links (plus session and user when signed in)."""
    annotations = _listed(request.user, Annotation.objects.tagged(name))
    page = _page(request, annotations)
    # Come from a margin, the page leads back to the paragraph (`next`, a path on this site).
    return render(request, "annotations/tag.html", {"tag_name": name, "page": page, "back": safe_next(request)})


@require_GET
def person(request, username):
    """A person's annotations that `user` may see (their anonymous posts stay anonymous).
    Queries: the person, the count, the page, tags, links (+ recently deleted, for oneself)."""
    author = get_user_model().objects.filter(username=username).first()
    own = author is not None and request.user.is_authenticated and request.user.pk == author.pk
    page = None
    if author is not None:
        annotations = _listed(request.user, Annotation.objects.filter(author=author)).filter(author_known_q(request.user))
        page = _page(request, annotations)
    # Someone with nothing this viewer may see answers as an unknown name does: the page
    # must not tell who has an account.
    if author is None or not (own or page.paginator.count):
        raise Http404("No such person.")
    deleted = []
    if own:
        deleted = [
            present(request.user, a)
            # Only on papers one may still read: a note on a group's paper stays out of sight
            # for someone who has left the group, deleted or not.
            for a in card_queryset(
                request.user,
                Annotation.objects.filter(readable_papers_q(request.user), author=author, deleted_at__isnull=False),
            ).order_by("-deleted_at")[:PAGE_SIZE]
            if a.is_restorable()
        ]
    return render(request, "annotations/person.html", {"person": author, "page": page, "own": own, "deleted": deleted})


@require_GET
def tag_suggestions(request):
    """Tags to complete the last one being typed in a tags field, from annotations the person
    may see: <option>s for the field's <datalist>, each the whole field's value as it would be."""
    typed = request.GET.get("tags", "")[:1100]
    done, _, last = typed.rpartition(",")
    last = last.strip()
    options = []
    if last:
        names = (
            visible_tagged(request.user)
            .filter(tag__name__istartswith=last)
            .values("tag__name")
            .annotate(uses=Count("pk"))
            .order_by("-uses", "tag__name")[:SUGGESTIONS]
        )
        prefix = f"{done.strip()}, " if done.strip() else ""
        already = {t.strip().casefold() for t in done.split(",")}
        options = [prefix + row["tag__name"] for row in names if row["tag__name"].casefold() not in already]
    return render(request, "annotations/_tag_options.html", {"options": options})

