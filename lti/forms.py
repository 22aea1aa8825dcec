from django import forms
from django.db.models import Q

from access.policy import visible_documents
from discussions.models import Guide


class DeepLinkForm(forms.Form):
    """What an instructor picks from the LMS's assignment editor."""

    document = forms.ModelChoiceField(queryset=None, label="Reading", empty_label=None)
    guide = forms.ModelChoiceField(
        queryset=None, label="Discussion guide", required=False, empty_label="None: the reading itself",
        help_text="Students open the guide's first step instead of the paper's start.",
    )
    title = forms.CharField(max_length=200, label="Title in the gradebook")
    due_at = forms.DateTimeField(
        required=False, label="Due", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Work after this counts as late. Leave empty for no due date.",
    )
    points_possible = forms.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, initial=10, label="Points",
    )

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        # Papers the group's students may read: the library's and the group's own.
        library = Q(publication__isnull=True) | Q(publication__group__isnull=True)
        self.fields["document"].queryset = (
            visible_documents(user).filter(library | Q(publication__group=group)).order_by("title")
        )
        self.fields["guide"].queryset = Guide.objects.filter(group=group).select_related("document").order_by("title")
        self.fields["guide"].label_from_instance = lambda guide: f"{guide} ({guide.document})"

    def clean(self):
        cleaned = super().clean()
        guide, document = cleaned.get("guide"), cleaned.get("document")
        if guide and document and guide.document_id != document.pk:
            self.add_error(
                "guide", f"This guide is for “{guide.document}”, not “{document}”. Pick it, or no guide."
            )
        if cleaned.get("points_possible") == 0:
            self.add_error("points_possible", "Give the assignment at least some points; the LMS's column needs them.")
        return cleaned
