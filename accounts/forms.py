"""Forms for signing up and editing one's profile (login and passwords use Django's own)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

User = get_user_model()


class SignupForm(UserCreationForm):
    """Username, email, display name and the password twice (validated by AUTH_PASSWORD_VALIDATORS)."""

    email = forms.EmailField(
        help_text="We send a link to it to finish signing up; otherwise used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name")
        help_texts = {"display_name": "Shown beside your notes; leave empty to use your username."}

    def clean_email(self):
        # Whether an account already has the address is not said here (accounts/signup.py).
        return self.cleaned_data["email"].strip()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name",)
        help_texts = {"display_name": "Shown beside your notes; leave empty to use your username."}
