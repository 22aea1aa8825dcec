"""Publish a live event whenever a note, a reply or a vote is written, or a note changes,
whichever code path wrote it (reading page, discussions, API, imports): post_save and
post_delete hooks, and annotations' own signal for the changes it makes by UPDATE."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from annotations.models import Annotation
from annotations.signals import annotation_changed
from discussions.models import Vote
from groups.models import Membership
from live.audience import change_keys
from live.events import publish_on_commit, publish_roles_changed
from live.models import LiveEvent


@receiver(post_save, sender=Annotation, dispatch_uid="live_annotation_created")
def annotation_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        kind = LiveEvent.Kind.REPLY if instance.parent_id else LiveEvent.Kind.ANNOTATION
        publish_on_commit(kind, instance.pk)


@receiver(annotation_changed, dispatch_uid="live_annotation_changed")
def annotation_changed_(sender, annotation, was, **kwargs):
    # Those it was shown to before the change are told as well: a note made private by an edit
    # must leave the margins of the group that saw it.
    publish_on_commit(LiveEvent.Kind.CHANGE, annotation.pk, also=change_keys(annotation.author_id, *was))


@receiver(post_save, sender=Vote, dispatch_uid="live_vote_saved")
@receiver(post_delete, sender=Vote, dispatch_uid="live_vote_deleted")
def vote_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        publish_on_commit(LiveEvent.Kind.VOTE, instance.annotation_id)


@receiver(post_save, sender=Membership, dispatch_uid="live_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="live_membership_deleted")
def membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        publish_roles_changed(instance.user_id)
