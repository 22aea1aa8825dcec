"""Every moderation action is logged (who, what, when, why); instructors read the log."""

from django.urls import reverse

from discussions.models import ModerationAction
from tests.discussions_support import client_for, note


def test_actions_are_logged_with_actor_and_reason_and_instructors_read_them(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Some note", group=group)
    client_for(cast["moderator"]).post(reverse("annotation_hide", args=[a.pk]), {"reason": "REASON-HIDE"})
    client_for(cast["instructor"]).post(reverse("annotation_unhide", args=[a.pk]), {"reason": "REASON-RESTORE"})
    client_for(cast["instructor"]).post(
        reverse("annotation_lock", args=[a.pk]), {"lock": "on", "reason": "REASON-LOCK"}
    )
    log = list(ModerationAction.objects.order_by("pk").values_list("actor__username", "action", "reason"))
    assert log == [("moritz", "hide", "REASON-HIDE"), ("ines", "restore", "REASON-RESTORE"), ("ines", "lock", "REASON-LOCK")]
    page = client_for(cast["instructor"]).get(reverse("moderation_log", args=[group.pk])).content.decode()
    for reason in ("REASON-HIDE", "REASON-RESTORE", "REASON-LOCK"):
        assert reason in page
    assert page.index("REASON-LOCK") < page.index("REASON-HIDE")  # newest first


def test_only_instructors_read_the_log(seminar):
    group, cast, paragraph = seminar
    url = reverse("moderation_log", args=[group.pk])
    assert client_for(cast["moderator"]).get(url).status_code == 403
    assert client_for(cast["member"]).get(url).status_code == 403
    assert client_for(cast["outsider"]).get(url).status_code == 404
    assert client_for(cast["other_instructor"]).get(url).status_code == 404
