from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.forms import ProfileForm, SignupForm
from accounts.signup import activatable_user, register
from config.redirects import safe_next


def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request) or "library")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                register(request, form, safe_next(request))
            # The same answer whether the address is new or known (accounts/signup.py).
            return render(request, "accounts/signup_sent.html", {"email": form.cleaned_data["email"]})
        status = 400
    else:
        form = SignupForm()
        status = 200
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request) or ""}, status=status)


@require_GET
def activate(request, uidb64, token):
    """The link from the sign-up e-mail: activates the account and logs in."""
    user = activatable_user(uidb64, token)
    if user is None:
        return render(request, "accounts/activation_invalid.html", status=404)
    user.is_active = True
    user.save(update_fields=["is_active"])
    # Named backend: axes' backend only vets passwords, and this person has just proven the address.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Welcome, {user}. Your account is ready.")
    return redirect(safe_next(request) or "library")


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("profile")
        status = 400
    else:
        form = ProfileForm(instance=request.user)
        status = 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)
