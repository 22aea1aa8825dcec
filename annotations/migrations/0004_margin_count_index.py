from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the annotations table keeps taking writes meanwhile.
    atomic = False

    dependencies = [
        ("annotations", "0003_live_recent_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="annotation",
            index=models.Index(
                fields=["paragraph"],
                include=("parent", "deleted_at", "hidden_at", "visibility", "group", "author", "id"),
                name="annotation_margin_count_idx",
            ),
        ),
    ]
