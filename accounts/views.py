from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm, SignupForm
from config.redirects import safe_next


def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request) or "library")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                user = form.save()
            # Named backend: axes' backend only vets passwords, and a fresh account has just set its own.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user}. Your account is ready.")
            return redirect(safe_next(request) or "library")
        status = 400
    else:
        form = SignupForm()
        status = 200
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request) or ""}, status=status)


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
