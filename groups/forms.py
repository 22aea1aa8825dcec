"""Forms for study groups: the group itself, invite links, a member's role and the discussion settings."""

import datetime

from django import forms
from django.utils import timezone

from groups.models import GroupSettings, Invitation, Role, StudyGroup


class GroupForm(forms.ModelForm):
    class Meta:
        model = StudyGroup
        fields = ("name", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"description": "Optional: what the group reads, when it meets. Members see it."}


INVITATION_MAX_DAYS = 10 * 366


class InvitationForm(forms.ModelForm):
    """An invite link: the role it gives, an optional last day and an optional number of uses."""

    # Giving the instructor role by link is deliberately not offered: that is done by hand.
    role = forms.ChoiceField(
        choices=[(Role.MEMBER, Role.MEMBER.label), (Role.MODERATOR, Role.MODERATOR.label)],
        initial=Role.MEMBER,
        help_text="What people who join with this link become.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Valid until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the last day the link works.",
    )
    max_uses = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10000,
        label="Maximum uses",
        help_text="Optional: how many people may join with it.",
    )

    field_order = ("role", "expires_on", "max_uses")

    class Meta:
        model = Invitation
        fields = ("role", "max_uses")

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day and day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        # Far-future days are a typo (and 9999-12-31 has no next day to end on).
        if day and day > timezone.localdate() + datetime.timedelta(days=INVITATION_MAX_DAYS):
            raise forms.ValidationError("Choose a day within the next ten years, or leave it empty for no end.")
        return day

    def expires_at(self):
        """The end of the chosen day (in the site's time zone), or None for no expiry."""
        day = self.cleaned_data.get("expires_on")
        if not day:
            return None
        start_of_next_day = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(start_of_next_day)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class GroupSettingsForm(forms.ModelForm):
    class Meta:
        model = GroupSettings
        fields = ("hide_until_posted", "allow_anonymous")
        labels = {
            "hide_until_posted": "Hide classmates' notes on a paragraph until a member has posted on it",
            "allow_anonymous": "Allow posting anonymously to classmates",
        }
        help_texts = {
            "hide_until_posted": "Instructors and moderators always see everything.",
            "allow_anonymous": "Classmates see “Anonymous classmate”; instructors still see the name.",
        }
