"""A guide written before new versions took their guides along is still on the version it was
written on, where its group's guide page and the reading page's bar no longer find it: move it
to the current version, unless the group has since started a guide there (the term copy
chooses between the two)."""

from django.db import migrations


def move_guides(apps, schema_editor):
    Guide = apps.get_model("discussions", "Guide")
    DocumentVersion = apps.get_model("versions", "DocumentVersion")
    current = {}  # lineage -> its newest version's document id
    for record in DocumentVersion.objects.order_by("lineage_id", "number"):
        current[record.lineage_id] = record.document_id
    lineage_of = dict(DocumentVersion.objects.values_list("document_id", "lineage_id"))
    taken = set(Guide.objects.values_list("group_id", "document_id"))
    for guide in Guide.objects.filter(document_id__in=list(lineage_of)).order_by("-document_id", "pk"):
        target = current[lineage_of[guide.document_id]]
        if target != guide.document_id and (guide.group_id, target) not in taken:
            taken.add((guide.group_id, target))
            Guide.objects.filter(pk=guide.pk).update(document_id=target)


class Migration(migrations.Migration):
    dependencies = [
        ("versions", "0007_upload_corrections"),
        ("discussions", "0004_notification_moderated"),
    ]

    operations = [migrations.RunPython(move_guides, migrations.RunPython.noop)]
