from django import forms
from django.conf import settings

from access.policy import has_permission, visible_groups
from reader.importers import original_file, read_source
from reader.importers.detect import detect
from reader.importers.pdf import open_pdf
from reader.importing import ImportRefused, check_slug, parse_document
from versions import imports

LIBRARY = "library"
ACCEPTED = ".pdf,.docx,.epub,.html,.htm,.xhtml,.txt,.md,.markdown,application/pdf,text/html,text/plain,text/markdown"
FORMATS_HELP = "PDF (with a text layer), Word (.docx), EPUB, a saved web page (HTML), Markdown or plain text (UTF-8)."


class SourceFileField(forms.FileField):
    """A paper file of any format the importers read, detected from its content: ``clean``
    returns the text the structuring step reads, and keeps the file as an unsaved
    ``SourceFile`` in ``original`` (saved with the upload, so a refused file stores nothing).
    A PDF, Word or EPUB file is only detected here and read later in the background
    (versions/imports.py): ``clean`` returns "" and ``deferred`` is true."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"“{upload.name}” is {upload.size / 1024 / 1024:.1f} MB; the limit here is {limit // 1024 // 1024} MB."
            )
        content = upload.read()
        self.source_name = upload.name
        try:
            kind = detect(content, f"“{upload.name}”") if content.strip() else "text"
            self.deferred = kind in imports.BACKGROUND_FORMATS
            if self.deferred:
                if kind == "pdf":
                    open_pdf(content, f"“{upload.name}”").close()  # a password or a damaged file: refused now
                self.original, self.dropped = original_file(content, upload.name, kind), []
                return ""
            source = read_source(content, name=f"“{upload.name}”")
        except ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        if not parse_document(source.text).paragraphs:
            raise forms.ValidationError(f"“{upload.name}” has no paragraphs.")
        self.original = source.original(content, upload.name)
        self.dropped = [list(item) for item in source.dropped]
        return source.text


class NewVersionForm(forms.Form):
    file = SourceFileField(
        label="Corrected file", help_text=FORMATS_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )


class UploadForm(NewVersionForm):
    file = SourceFileField(
        label="The paper's file",
        help_text=FORMATS_HELP + " In text, blank lines between paragraphs and numbered headings (“1.2 Title”).",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )
    slug = forms.SlugField(
        max_length=80, label="Address", help_text="Letters, numbers and hyphens: the document will be at /d/your-address/."
    )
    audience = forms.ChoiceField(label="Who can read it", widget=forms.RadioSelect)

    def __init__(self, *args, user, audience=None, **kwargs):
        """`audience`: a group's pk (as given in the address) to preselect, when `user` may
        publish to it; anything else preselects the library."""
        super().__init__(*args, **kwargs)
        groups = [g for g in visible_groups(user) if has_permission(user, "group.publish", g)]
        self.fields["audience"].choices = [(LIBRARY, "Everyone, in the library")] + [
            (str(g.pk), f"Only the group “{g.name}”") for g in groups
        ]
        self.groups = {str(g.pk): g for g in groups}
        self.preselected_group = self.groups.get(audience)
        self.fields["audience"].initial = audience if self.preselected_group else LIBRARY

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
