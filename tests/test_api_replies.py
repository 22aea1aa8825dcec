"""/api/annotations/{id}/replies: reading and writing threads."""

import pytest

from annotations.models import Annotation
from tests.api_support import ROLES, api_as, world  # noqa: F401

REPLY_STATUS = {  # replying to the seminar's group note
    "anonymous": 401, "outsider": 404, "member": 201, "moderator": 201, "instructor": 201,
    "other_instructor": 404, "superuser": 201,
}
LIST_STATUS = {"anonymous": 404, "outsider": 404, "other_instructor": 404}


@pytest.mark.parametrize("role", ROLES)
def test_reply_matrix(api_as, world, role):
    client = api_as(role)
    response = client.post(f"/api/annotations/{world.group_note.pk}/replies", {"body": "I agree"})
    assert response.status_code == REPLY_STATUS[role], response.content
    if response.status_code == 201:
        data = response.json()
        assert (data["parent"], data["visibility"], data["group"]) == (world.group_note.pk, "group", world.group.pk)
        assert data["paragraph"] == world.group_note.paragraph_id
    listing = client.get(f"/api/annotations/{world.group_note.pk}/replies")
    assert listing.status_code == LIST_STATUS.get(role, 200)
    if listing.status_code == 200:
        bodies = [r["body"] for r in listing.json()["items"]]
        assert bodies[0] == "A reply in the seminar"
    else:
        assert "A reply in the seminar" not in listing.text


def test_reply_to_a_private_note_is_for_its_author_only(api_as, world):
    assert api_as("instructor").post(f"/api/annotations/{world.private.pk}/replies", {"body": "x"}).status_code == 404
    response = api_as("member").post(f"/api/annotations/{world.private.pk}/replies", {"body": "note to self"})
    assert response.status_code == 201 and response.json()["visibility"] == "private"


def test_no_replies_to_hidden_notes_and_bodies_are_required(api_as, world):
    assert api_as("moderator").post(f"/api/annotations/{world.hidden.pk}/replies", {"body": "x"}).status_code == 403
    response = api_as("member").post(f"/api/annotations/{world.group_note.pk}/replies", {"body": "   "})
    assert response.status_code == 422
    assert api_as("member").post(f"/api/annotations/{world.group_note.pk}/replies", {}).status_code == 422
    assert Annotation.objects.filter(parent=world.group_note).count() == 1


def test_a_reply_cannot_be_moved_to_another_audience(api_as, world):
    response = api_as("member").patch(f"/api/annotations/{world.reply.pk}", {"visibility": "public"})
    assert response.status_code == 422
    assert Annotation.objects.get(pk=world.reply.pk).visibility == world.reply.visibility
    assert api_as("member").patch(f"/api/annotations/{world.reply.pk}", {"body": "edited"}).status_code == 200
    assert Annotation.objects.get(pk=world.reply.pk).body == "edited"


def test_a_reply_through_the_api_notifies_like_one_from_the_page(api_as, world):
    """The note's author, the thread's root author and followers hear of an API reply, as
    they would of one posted on the thread page; an @mention notifies the person named."""
    from discussions.models import Follow, Notification

    cast = world.cast
    Follow.objects.create(user=cast["moderator"], annotation=world.group_note)
    response = api_as("superuser").post(f"/api/annotations/{world.reply.pk}/replies", {"body": "Yes, @ines, quite"})
    assert response.status_code == 201, response.content
    reply_id = response.json()["id"]
    kinds = dict(Notification.objects.filter(annotation_id=reply_id).values_list("recipient__username", "kind"))
    assert kinds == {
        "mia": Notification.Kind.REPLY,  # wrote the note replied to
        "ines": Notification.Kind.MENTION,  # the root's author, and mentioned (the stronger reason wins)
        "moritz": Notification.Kind.THREAD,  # follows the thread
    }


def test_an_idempotent_retry_does_not_notify_twice(api_as, world):
    from discussions.models import Notification

    client = api_as("instructor")
    url = f"/api/annotations/{world.public.pk}/replies"
    for _ in range(2):
        assert client.post(url, {"body": "Once"}, headers={"Idempotency-Key": "k-1"}).status_code == 201
    assert Notification.objects.filter(recipient=world.cast["member"], kind=Notification.Kind.REPLY).count() == 1
