"""What apps above versions hear of: a new version of a paper replaced `old` by `new`.

Sent inside publish_new_version's transaction, once the notes have moved, so what a receiver
moves (the courses app: assignments on the paper) moves with them or not at all."""

from django.dispatch import Signal

version_published = Signal()  # sender=Document, old=<old version>, new=<new version>
