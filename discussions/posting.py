"""Writing to a discussion: replies and prompts, each with its curation row and notifications."""

from django.db import transaction

from annotations.models import Annotation, Visibility
from discussions.models import Curation
from discussions.notifications import notify


def create_reply(user, parent, body: str, anonymous: bool = False) -> Annotation:
    """A reply inherits its parent's paragraph, visibility and group (so its root's)."""
    with transaction.atomic():
        reply = Annotation.objects.create(
            paragraph_id=parent.paragraph_id, author=user, body=body, parent=parent,
            visibility=parent.visibility, group_id=parent.group_id,
        )
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
