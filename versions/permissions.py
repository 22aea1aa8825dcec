"""Access to what versions keep: uploads awaiting publication and orphaned notes (fetch-for-user
helpers in the shape of access/policy.py's; the rules themselves are annotations'
"annotation.reattach", nested under the orphan's paper)."""

from django.http import Http404

from annotations.permissions import reattachable_annotations
from versions.models import Orphan, Upload


def get_upload_for(user, pk, *, for_update=False):
    """An uploaded file awaiting publication: only its uploader knows it exists. ``for_update``
    locks its row (inside a transaction), so two corrections at once are kept in order."""
    uploads = Upload.objects.select_related("replaces", "group")
    if for_update:
        uploads = uploads.select_for_update(of=("self",))
    upload = uploads.filter(pk=pk).first()
    if upload is None or not user.is_authenticated or upload.uploaded_by_id != user.pk:
        raise Http404("No such upload.")
    return upload


def visible_orphans(user):
    """Open orphans (annotations a new version could not place) that `user` may attach again."""
    return Orphan.objects.open().filter(annotation__in=reattachable_annotations(user))


def get_orphan_for(user, pk):
    orphan = (
        visible_orphans(user)
        .select_related(
            "annotation__author",
            "annotation__group",
            "annotation__paragraph__document__publication",
            "old_paragraph__document",
            "version__lineage",
        )
        .filter(pk=pk)
        .first()
    )
    if orphan is None:
        raise Http404("No such orphan.")
    return orphan
