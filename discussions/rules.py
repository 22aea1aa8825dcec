"""The discussion rules (replies, votes, flags, questions, pins, endorsements, locks),
registered into the one access policy. Each is a permission on a note, so each is nested
under the note's paper like every annotation permission (access/policy.py)."""

from access.policy import (
    has_permission,
    is_authenticated,
    is_instructor,
    is_moderator,
    is_superuser,
    register,
    seen_in_list,
)
from annotations.permissions import curation_of, is_author, is_group_visible, is_live, is_not_hidden, is_not_private
from discussions.threads import thread_curation


def is_root(user, annotation):
    return annotation.parent_id is None


def is_not_author(user, annotation):
    return user.is_authenticated and annotation.author_id != user.pk


def may_see(user, annotation):
    return seen_in_list(user, annotation) or has_permission(user, "annotation.view", annotation)


def is_thread_open(user, annotation):
    """The thread `annotation` belongs to is not locked."""
    curation = thread_curation(annotation)
    return curation is None or curation.locked_at is None


def is_question(user, annotation):
    curation = curation_of(annotation)
    return curation is not None and curation.is_question


register(
    {
        # (a reply's thread is its root's)
        "annotation.reply": [[is_authenticated, is_live, is_not_hidden, may_see, is_thread_open]],
        "annotation.vote": [[is_authenticated, is_live, is_not_hidden, is_not_private, may_see]],
        "annotation.flag": [[is_not_author, is_live, is_not_hidden, may_see]],  # once each: discussions.moderation
        "annotation.mark_question": [[is_author, is_live, is_root]],
        "annotation.resolve": [
            [is_author, is_live, is_root, is_question],
            [is_live, is_root, is_question, is_group_visible, is_instructor],
            [is_live, is_root, is_question, is_not_private, is_superuser],
        ],
        "annotation.pin": [
            [is_live, is_root, is_group_visible, is_instructor],
            [is_live, is_root, is_not_private, is_superuser],
        ],
        "annotation.endorse": [[is_live, is_group_visible, is_instructor], [is_live, is_not_private, is_superuser]],
        # A step of the group's discussion guide (discussions.guides.candidates: a live, shown group note).
        "annotation.add_to_guide": [
            [is_live, is_root, is_not_hidden, is_group_visible, is_instructor],
            [is_live, is_root, is_not_hidden, is_group_visible, is_superuser],
        ],
        "annotation.lock": [
            [is_live, is_root, is_group_visible, is_moderator],
            [is_live, is_root, is_not_private, is_superuser],
        ],
    }
)
