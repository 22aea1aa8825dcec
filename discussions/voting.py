"""Upvotes: one per person and annotation, withdrawable."""

from django.db import IntegrityError, transaction

from discussions.models import Vote


def toggle_vote(user, annotation) -> bool:
    """Vote, or withdraw an existing vote; returns whether the person now votes for it."""
    deleted, _ = Vote.objects.filter(annotation=annotation, user=user).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Vote.objects.create(annotation=annotation, user=user)
    except IntegrityError:
        pass  # a double click raced us to it; the vote stands either way
    return True
