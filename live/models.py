from django.db import models
from django.urls import reverse


class LiveEvent(models.Model):
    """Something new on a document that readers of it may want to see at once: a note, a
    reply, a vote. Kept for a while (events.RETENTION) so that a client reconnecting with
    Last-Event-ID, or polling, gets what it missed. Ids grow in commit order (events.publish
    takes a lock), so "everything after id N" never skips an event that committed late."""

    class Kind(models.TextChoices):
        ANNOTATION = "annotation", "new note"
        REPLY = "reply", "new reply"
        VOTE = "vote", "vote"
        CHANGE = "change", "note edited, deleted, hidden or restored"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    annotation = models.ForeignKey("annotations.Annotation", on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey("reader.Paragraph", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("reader.Document", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(db_default=models.functions.Now())
    # What every recipient would see the same, so that no page fetches anything for it: a
    # vote's new count (anyone who may see the note sees its count), and a reply's thread root
    # (each recipient may see the reply: the root card's count goes up by one).
    vote_count = models.PositiveIntegerField(null=True)
    thread_root_id = models.BigIntegerField(null=True)

    class Meta:
        db_table = "live_event"
        ordering = ["id"]
        indexes = [
            # The stream and the polling endpoint: a document's events after a given id.
            models.Index(fields=["document", "id"], name="live_event_document_idx"),
            # Pruning old events, and "events since this time" for a fresh page.
            models.Index(fields=["created"], name="live_event_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.paragraph_id} (#{self.pk})"

    def get_absolute_url(self):
        return reverse("annotation", args=[self.annotation_id])
