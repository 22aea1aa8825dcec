"""Account e-mails are sent after the response has gone out, so how long a request takes
does not tell whether an address has an account (a reset or a sign-up for a known address
sends mail, an unknown one may not; over real SMTP that is a measurable delay)."""

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMessage
from django.template import loader


def send_after_response(request, message: EmailMessage) -> None:
    """Queue `message` to be sent once this request's response is complete."""
    request.__dict__.setdefault("mail_after_response", []).append(message)


class MailAfterResponseMiddleware:
    """Sends the request's queued mail from the response's close(), which the server calls
    after the last byte is sent (WSGI and Django's ASGI handler alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for message in request.__dict__.get("mail_after_response", ()):
            response._resource_closers.append(message.send)
        return response


class DeferredPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail queued with send_after_response instead of sent at once."""

    def save(self, *args, request=None, **kwargs):
        self.request = request
        return super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_after_response(self.request, EmailMessage(subject, body, from_email, [to_email]))
