"""E-mail for notifications: off by default; when on, queued in the outbox and sent by the
send_notification_emails command, never during the request."""

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from discussions.models import Notification, NotificationPreference
from tests.discussions_support import client_for, note, settings_for


def test_email_is_off_by_default(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Reply"})
    assert not Notification.objects.get().email_pending
    call_command("send_notification_emails", verbosity=0)
    assert mail.outbox == []


def test_when_turned_on_the_request_only_queues_and_the_command_sends_once(seminar, settings):
    settings.SITE_URL = "https://marginalia.example.edu"
    group, cast, paragraph = seminar
    client = client_for(cast["member"])
    client.post(reverse("notification_settings"), {"email": "on"})
    assert NotificationPreference.objects.get(user=cast["member"]).email
    root = note(cast["member"], paragraph, "Root", group=group)
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "EMAILED-REPLY"})
    assert mail.outbox == []  # nothing sent while answering the request
    assert Notification.objects.get().email_pending
    call_command("send_notification_emails", verbosity=0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mia@example.org"] and "EMAILED-REPLY" in message.body
    assert "replied to your note" in message.subject
    notification = Notification.objects.get()
    assert "https://marginalia.example.edu" + reverse("notification_open", args=[notification.pk]) in message.body
    call_command("send_notification_emails", verbosity=0)
    assert len(mail.outbox) == 1


def test_emails_keep_anonymous_posts_anonymous(seminar):
    group, cast, paragraph = seminar
    settings_for(group, allow_anonymous=True)
    cast["moderator"].display_name = "Moritz Mosswell"
    cast["moderator"].save()
    NotificationPreference.objects.create(user=cast["member"], email=True)
    root = note(cast["member"], paragraph, "Root", group=group)
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Anon", "anonymous": "on"})
    call_command("send_notification_emails", verbosity=0)
    message = mail.outbox[0]
    assert "Anonymous classmate" in message.subject
    assert "Moritz" not in message.subject + message.body and "moritz" not in message.subject + message.body
