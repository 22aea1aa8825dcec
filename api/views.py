"""The page where people create and revoke their personal API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from api.models import ApiToken

MAX_ACTIVE_TOKENS = 20


class TokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80, help_text="What it is for, so you know which to revoke.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        if ApiToken.objects.active().filter(user=self.user).count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
        return super().clean()


@login_required
def tokens(request):
    """GET lists my tokens; POST creates one and shows its value once (it is stored hashed)."""
    new_token = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            with transaction.atomic():
                _, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
            form = TokenForm(user=request.user)
            status = 201
        else:
            status = 400
    else:
        form = TokenForm(user=request.user)
    my_tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": my_tokens, "new_token": new_token}, status=status
    )
    if new_token:
        response["Cache-Control"] = "no-store"  # the only time the secret is shown
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # others' tokens: 404
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        messages.success(request, f"Revoked “{token.name}”. Programs using it can no longer sign in.")
    return redirect("api_tokens")
