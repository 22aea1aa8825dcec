"""Writing to a discussion: replies and prompts, each with its curation row and notifications.

create_reply is the one way a reply is made, from the thread page and the API alike: it
checks what was sent and refuses with annotations.editing.InvalidInput (the form shows the
messages on its fields, the API answers 422 with them).
"""

from django.db import transaction

from access.policy import has_permission
from annotations.editing import NO_ANONYMITY, InvalidInput, clean_tags
from annotations.models import Annotation, Visibility
from discussions.models import Curation
from discussions.notifications import notify

def may_post_anonymously(user, group) -> bool:
    """Anonymity is a group's to allow (its settings), and only to its members."""
    return group is not None and has_permission(user, "group.post_anonymously", group)


def record_anonymity(annotation, data) -> None:
    """A new note asked to be anonymous to classmates (annotations.editing checked it may be)."""
    if data.get("anonymous"):
        Curation.objects.create(annotation=annotation, is_anonymous=True)


def change_anonymity(annotation, changed) -> None:
    """An edit made a note anonymous to classmates, or no longer (annotations.editing checked it may be)."""
    if "anonymous" in changed:
        Curation.objects.update_or_create(annotation=annotation, defaults={"is_anonymous": changed["anonymous"]})


def announce(annotation, data) -> None:
    """A new note written anywhere (reading page, API, import of one's own file) tells the
    people it mentions and those following its group or paper, as a reply does. After
    record_anonymity, so the notification's name follows the note's anonymity."""
    notify(annotation)


def create_reply(user, parent, body: str, anonymous: bool = False, tags=()) -> Annotation:
    """A reply inherits its parent's paragraph, visibility and group (so its root's).
    Anonymous only where the group allows it: asked for elsewhere, nothing is saved, so
    no one's name is shown against their wish."""
    errors = {}
    if not body.strip():
        errors["body"] = "Write a reply."
    tags = clean_tags(tags, errors)
    if anonymous and not may_post_anonymously(user, parent.group):
        errors["anonymous"] = NO_ANONYMITY
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        reply = Annotation.objects.create(
            paragraph_id=parent.paragraph_id, author=user, body=body, parent=parent,
            visibility=parent.visibility, group_id=parent.group_id,
        )
        if tags:
            reply.tags.set(tags)
        if anonymous:
            Curation.objects.create(annotation=reply, is_anonymous=True)
        notify(reply)
    return reply


def create_prompt(user, paragraph, group, body: str, is_question: bool = False) -> Annotation:
    """An instructor's discussion prompt: a group note marked as a prompt (shown distinctly)."""
    with transaction.atomic():
        prompt = Annotation.objects.create(
            paragraph=paragraph, author=user, body=body, visibility=Visibility.GROUP, group=group,
        )
        Curation.objects.create(annotation=prompt, is_prompt=True, is_question=is_question)
        notify(prompt)
    return prompt
