"""Exports (streamed downloads) and imports of annotations."""

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from access.policy import can_post_to, get_group_for, visible_documents, visible_groups
from annotations import exporting, importing
from annotations.models import Visibility

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _my_groups(user):
    return visible_groups(user).filter(memberships__user=user).order_by("name")


class ExportForm(forms.Form):
    scope = forms.ChoiceField(label="Whose annotations")
    document = forms.ChoiceField(label="Document", required=False)
    format = forms.ChoiceField(
        label="Format",
        choices=[("md", "Markdown study sheet"), ("csv", "CSV spreadsheet"), ("jsonld", "W3C Web Annotation (JSON-LD)")],
        widget=forms.RadioSelect,
        initial="md",
    )

    def __init__(self, data, *, user, documents, group=None, **kwargs):
        super().__init__(data, **kwargs)
        groups = list(_my_groups(user))
        if group is not None and group not in groups:
            groups.append(group)  # a superuser may export a group they are not in
        self.fields["scope"].choices = [("mine", "Mine")] + [(f"group:{g.pk}", f"Group: {g.name}") for g in groups]
        self.fields["document"].choices = [("", "All documents")] + [(d.slug, d.title) for d in documents]


@login_required
def export_page(request):
    documents = visible_documents(request.user).only("slug", "title")
    form = ExportForm(None, user=request.user, documents=documents)
    return render(request, "annotations/export.html", {"form": form})


@login_required
def export_download(request):
    """GET, so an export is a link: ?scope=mine|group:<id>&document=<slug>&format=md|csv|jsonld."""
    group = None
    scope = request.GET.get("scope", "mine")
    if scope.startswith("group:"):
        group_pk = scope.removeprefix("group:")
        if not re.fullmatch(r"[0-9]{1,18}", group_pk):
            raise Http404("No such group.")
        # Strangers get 404; anyone who may see the group but not export it, 403.
        group = get_group_for(request.user, int(group_pk), permission="group.export")
    documents = visible_documents(request.user).only("slug", "title")
    form = ExportForm(request.GET, user=request.user, documents=documents, group=group)
    if not form.is_valid():
        return render(request, "annotations/export.html", {"form": form}, status=400)
    document = None
    if form.cleaned_data.get("document"):
        document = visible_documents(request.user).get(slug=form.cleaned_data["document"])
    queryset = exporting.export_queryset(request.user, group=group, document=document)
    who = group.name if group else f"{request.user}"
    label = f"Annotations by {who}" if group is None else f"Annotations of {who}"
    label += f" on {document.title}" if document else ""
    base_url = request.build_absolute_uri("/").rstrip("/")
    fmt = form.cleaned_data["format"]
    if fmt == "jsonld":
        params = request.GET.copy()
        page = params.pop("page", [None])[-1]
        total = queryset.count()
        if page is not None and not (page.isdigit() and 1 <= int(page) <= exporting.page_count(total)):
            raise Http404("No such page of this export.")
        collection_url = f"{base_url}{request.path}?{params.urlencode()}"
        stream = exporting.jsonld_stream(
            queryset, base_url, label, request.user, collection_url, total, int(page) if page else None
        )
    elif fmt == "csv":
        stream = exporting.csv_stream(queryset, request.user)
    else:
        stream = exporting.markdown_stream(queryset, label, request.user)
    content_type, extension = exporting.FORMATS[fmt]
    filename = "-".join(filter(None, [
        "marginalia", slugify(group.name) if group else "mine", document.slug if document else "", f"{timezone.localdate():%Y-%m-%d}",
    ]))
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


class ImportForm(forms.Form):
    document = forms.ModelChoiceField(
        label="Into document", queryset=None, to_field_name="slug", empty_label=None
    )
    file = forms.FileField(
        label="Annotation file", help_text="W3C Web Annotation JSON(-LD), or a Hypothesis JSON export. At most 5 MB."
    )
    visibility = forms.ChoiceField(label="Share imported notes with", choices=Visibility.choices, initial="private")
    group = forms.ModelChoiceField(label="Group", queryset=None, required=False, empty_label="—")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["group"].queryset = _my_groups(user)
        self.fields["document"].queryset = visible_documents(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("This file is over 5 MB; split it into smaller files.")
        try:
            self.items = importing.read_items(upload.read())
        except importing.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visibility") == Visibility.GROUP:
            group = cleaned.get("group")
            if group is None:
                self.add_error("group", "Choose the group to share with.")
            elif not can_post_to(self.user, group):
                self.add_error("group", "You are not a member of this group.")
        return cleaned


@login_required
def import_page(request):
    report = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            report = importing.import_annotations(
                request.user, form.cleaned_data["document"], form.items,
                visibility=form.cleaned_data["visibility"], group=form.cleaned_data.get("group"),
            )
        else:
            status = 400
    else:
        form = ImportForm(user=request.user, initial={"document": request.GET.get("document")})
    return render(request, "annotations/import.html", {"form": form, "report": report}, status=status)
