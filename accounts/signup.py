"""Signing up without telling anyone which addresses have an account.

Every valid sign-up answers the same page ("check your inbox"). A new address gets an
inactive account and a link that activates it and logs in; an address that already has an
account gets a message telling its owner that someone tried (with a way to log in or reset
the password), and nothing is created. An address whose account was never activated gets its
activation link again.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode

from accounts.mail import send_after_response

User = get_user_model()


def register(request, form, next_url: str | None) -> None:
    """Create the inactive account or tell the address's owner; either way, mail goes out."""
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is None:
        user = form.save(commit=False)
        user.is_active = False
        user.save()
        message = _activation_mail(request, user, next_url)
    elif not existing.is_active:
        message = _activation_mail(request, existing, next_url)
    else:
        message = _mail(existing, "accounts/signup_known_email.txt", "Someone tried to sign up with your address", {
            "login_url": request.build_absolute_uri(reverse("login")),
            "reset_url": request.build_absolute_uri(reverse("password_reset")),
        })
    send_after_response(request, message)


def _activation_mail(request, user, next_url):
    path = reverse("activate", args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)])
    if next_url:
        path += "?" + urlencode({"next": next_url})
    return _mail(user, "accounts/activation_email.txt", "Finish creating your Marginalia account",
                 {"activate_url": request.build_absolute_uri(path)})


def _mail(user, template, subject, context):
    return EmailMessage(subject, render_to_string(template, {"user": user, **context}), to=[user.email])


def activatable_user(uidb64: str, token: str):
    """The inactive account the link names, if the link is valid; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
