from django import forms

from access.policy import has_permission, visible_groups
from reader.importing import ImportRefused, check_slug, decode_source, parse_document

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a long paper is a few hundred kilobytes of text
LIBRARY = "library"


class SourceFileField(forms.FileField):
    """A UTF-8 text or Markdown file, decoded and parsed: its ``clean`` returns the text."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB; a paper's text is far smaller.")
        try:
            text = decode_source(upload.read(), name=f"“{upload.name}”")
        except ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        if not parse_document(text).paragraphs:
            raise forms.ValidationError(f"“{upload.name}” has no paragraphs.")
        self.source_name = upload.name
        return text


class NewVersionForm(forms.Form):
    file = SourceFileField(
        label="Corrected text", help_text="Plain text or Markdown (UTF-8), as for the first version.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,text/plain,text/markdown"}),
    )


class UploadForm(NewVersionForm):
    file = SourceFileField(
        label="Text or Markdown file",
        help_text="UTF-8 plain text or Markdown: blank lines between paragraphs, numbered headings (“1.2 Title”).",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,text/plain,text/markdown"}),
    )
    slug = forms.SlugField(
        max_length=80, label="Address", help_text="Letters, numbers and hyphens: the document will be at /d/your-address/."
    )
    audience = forms.ChoiceField(label="Who can read it", widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [g for g in visible_groups(user) if has_permission(user, "group.publish", g)]
        self.fields["audience"].choices = [(LIBRARY, "Everyone, in the library")] + [
            (str(g.pk), f"Only the group “{g.name}”") for g in groups
        ]
        self.groups = {str(g.pk): g for g in groups}
        self.fields["audience"].initial = LIBRARY

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        try:
            check_slug(slug)
        except ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        if "--v" in slug:
            raise forms.ValidationError("“--v” is kept for old versions; choose another address.")
        return slug

    def group(self):
        return self.groups.get(self.cleaned_data["audience"])
