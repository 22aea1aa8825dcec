"""The assignment form (reading, guide, due date, points, rubric), the override form, and the
form that names a group's copy for a new term."""

from django import forms
from django.db.models import Q

from courses.models import Assignment
from discussions.models import Guide
from groups.models import StudyGroup
from reader.models import Document

RUBRIC_WEIGHTS = [
    "notes_weight", "replies_weight", "coverage_weight", "replies_received_weight", "votes_received_weight",
    "questions_weight",
]


def readable_by_group(group):
    """The papers every member of `group` may read: the library's and the group's own."""
    return Document.objects.published().filter(
        Q(publication__isnull=True) | Q(publication__group__isnull=True) | Q(publication__group=group)
    )


# The rubric's fields in the order the form shows them, grouped into fieldsets by the template.
RUBRIC = [
    ("Notes and replies written", ["min_length", "notes_target", "notes_weight", "replies_target", "replies_weight"]),
    ("Reading covered", ["coverage_unit", "coverage_target", "coverage_weight"]),
    ("What classmates make of it", [
        "replies_received_target", "replies_received_weight", "votes_received_target", "votes_received_weight",
    ]),
    ("Questions asked or answered", ["questions_target", "questions_weight"]),
    ("Late work", ["late_policy", "late_factor", "late_decay_per_day"]),
]


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["title", "document", "guide", "due_at", "points_possible"] + [
            name for _, names in RUBRIC for name in names
        ]
        labels = {
            "document": "Reading", "guide": "Discussion guide (optional)", "due_at": "Due",
            "points_possible": "Points", "notes_target": "Notes wanted", "notes_weight": "Weight of notes",
            "replies_target": "Replies wanted", "replies_weight": "Weight of replies",
            "coverage_unit": "Count", "coverage_target": "How many to cover", "coverage_weight": "Weight of coverage",
            "replies_received_target": "Replies received wanted",
            "replies_received_weight": "Weight of replies received",
            "votes_received_target": "Upvotes and endorsements wanted",
            "votes_received_weight": "Weight of upvotes and endorsements",
            "questions_target": "Questions asked or answered wanted", "questions_weight": "Weight of questions",
            "late_policy": "Late work", "late_factor": "A late post is worth",
            "late_decay_per_day": "Lost per day late",
        }
        widgets = {"due_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["document"].queryset = readable_by_group(group)
        self.fields["guide"].queryset = Guide.objects.filter(group=group).select_related("document")
        self.fields["guide"].label_from_instance = lambda guide: f"{guide} ({guide.document})"
        self.fields["document"].empty_label = "Choose a reading"
        self.fields["guide"].empty_label = "No guide"
        self.fields["due_at"].help_text = "Notes and replies written after this count as late."
        self.fields["points_possible"].help_text = "What a full score is worth in the gradebook."

    def rubric(self):
        return [(legend, [self[name] for name in names]) for legend, names in RUBRIC]

    def clean(self):
        cleaned = super().clean()
        guide, document = cleaned.get("guide"), cleaned.get("document")
        if guide and document and guide.document_id != document.pk:
            self.add_error("guide", "This guide is to another reading: choose one to this reading, or none.")
        weights = [cleaned.get(name) for name in RUBRIC_WEIGHTS]
        if all(weight == 0 for weight in weights):
            raise forms.ValidationError("Give at least one part of the rubric a weight above 0.")
        points = cleaned.get("points_possible")
        if points is not None and points <= 0:
            self.add_error("points_possible", "Points must be more than 0.")
        return cleaned


class OverrideForm(forms.Form):
    points = forms.DecimalField(label="Score", min_value=0, max_digits=7, decimal_places=2)
    reason = forms.CharField(
        label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The student sees it beside the score, and the LMS receives it with the score.",
    )

    def __init__(self, *args, points_possible, **kwargs):
        super().__init__(*args, **kwargs)
        self.points_possible = points_possible
        self.fields["points"].help_text = f"Out of {points_possible.normalize():f}."

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points > self.points_possible:
            raise forms.ValidationError(f"The score can be at most {self.points_possible.normalize():f}.")
        return points

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why, in a few words.")
        return reason


NAME_MAX_LENGTH = StudyGroup._meta.get_field("name").max_length


def next_term_name(group: StudyGroup) -> str:
    suffix = " (next term)"
    return group.name[: NAME_MAX_LENGTH - len(suffix)] + suffix


class TermCopyForm(forms.Form):
    name = forms.CharField(
        label="Name of the new group", max_length=NAME_MAX_LENGTH,
        help_text="Students see it when they join; you can change it later.",
    )

    def __init__(self, *args, source: StudyGroup, **kwargs):
        super().__init__(*args, initial={"name": next_term_name(source)}, **kwargs)
        self.source = source

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name.casefold() == self.source.name.casefold():
            raise forms.ValidationError("Give the new term a name of its own, so the two groups can be told apart.")
        return name
