from django import forms

from annotations.models import NOTE_MAX_LENGTH
from annotations.rendering import excerpt
from discussions.models import NotificationPreference
from discussions.threads import curation_of
from reader.rendering import paragraph_name, plain_text

BODY_MAX = 10_000


class ReplyForm(forms.Form):
    """A reply's fields; discussions.posting.create_reply checks the rest (is anonymity allowed
    here?) and its errors come back onto the fields (InvalidInput.add_to)."""

    body = forms.CharField(
        label="Your reply", max_length=NOTE_MAX_LENGTH, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a reply."},
        help_text="Markdown. Mention a group member with @username.",
    )
    anonymous = forms.BooleanField(required=False, label="Post anonymously to classmates (instructors see your name)")

    def __init__(self, *args, allow_anonymous=False, group_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_anonymous = allow_anonymous
        # Offered where the group allows it; kept when asked for anyway, so the refusal is
        # shown on it rather than the reply posted under the person's name.
        if not allow_anonymous and not (self.is_bound and self.data.get(self.add_prefix("anonymous"))):
            del self.fields["anonymous"]
        if group_id:
            self.fields["body"].widget.attrs["data-mention-group"] = group_id



class PromptForm(forms.Form):
    group = forms.ModelChoiceField(queryset=None, label="For the group", empty_label=None)
    body = forms.CharField(label="Prompt", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Write the prompt."},
                           help_text="Markdown. What should the group discuss here?")
    is_question = forms.BooleanField(required=False, label="Ask it as a question (can be marked resolved)")
    add_to_guide = forms.BooleanField(
        required=False, label="Add it to the group's discussion guide as the next step",
        help_text="A group with no guide to this paper yet starts one with it.",
    )
    step_note = forms.CharField(label="Note for this step (optional)", max_length=500, required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("Write the prompt.")
        return body


class FlagForm(forms.Form):
    reason = forms.CharField(
        label="Why should a moderator look at this?", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason.")
        return reason


class ReasonForm(forms.Form):
    """Hide, restore, dismiss: the reason goes into the moderation log."""

    reason = forms.CharField(label="Reason (for the log)", max_length=500, required=False)


class LockForm(forms.Form):
    lock = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)
    reason = forms.CharField(label="Why is the thread locked? (shown to everyone)", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("lock") and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the thread is locked; it is shown under the thread.")
        return data


class GuideNoteForm(forms.Form):
    """A note made a step of the guide from its card in the margin: only what to say about it."""

    note = forms.CharField(label="Note for this step (optional)", max_length=500, required=False)


class GuideStepForm(GuideNoteForm):
    annotation = forms.ModelChoiceField(queryset=None, label="Prompt or note", empty_label="Choose…")
    field_order = ["annotation", "note"]

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annotation"].queryset = candidates
        self.fields["annotation"].label_from_instance = _candidate_label

    def clean_annotation(self):
        return self.cleaned_data["annotation"]


def _candidate_label(annotation):
    curation = curation_of(annotation)
    kind = "Prompt" if curation and curation.is_prompt else "Note"
    text = excerpt(annotation.body, 80) or plain_text(annotation.quote).strip()[:80] or "(highlight)"
    return f"{kind} on {paragraph_name(annotation.paragraph)}: {text}"




class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("email",)
        labels = {"email": "Also send my notifications by e-mail"}
