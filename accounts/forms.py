"""Forms for signing up and editing one's profile (login and passwords use Django's own)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

User = get_user_model()


class SignupForm(UserCreationForm):
    """Username, email, display name and the password twice (validated by AUTH_PASSWORD_VALIDATORS)."""

    email = forms.EmailField(
        help_text="Used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name")
        help_texts = {"display_name": "Shown beside your notes; leave empty to use your username."}

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # Password reset mails every account with the address, so one address, one account.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name",)
        help_texts = {"display_name": "Shown beside your notes; leave empty to use your username."}
