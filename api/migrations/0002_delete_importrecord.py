# ImportRecord now belongs to annotations (annotations/0007): state only, the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('annotations', '0007_importrecord'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ImportRecord")]),
    ]
