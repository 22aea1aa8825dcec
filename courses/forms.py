"""The form that names a group's copy for a new term."""

from django import forms

from groups.models import StudyGroup

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
