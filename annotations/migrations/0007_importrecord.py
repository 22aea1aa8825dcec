# ImportRecord moves from api to annotations (whose importer writes it): state only, the table
# keeps its name, so no data moves. api/0002 takes it out of api's state.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0006_annotation_written_on'),
        ('api', '0001_initial'),
        ('reader', '0004_paragraph_page_and_source_file'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='ImportRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_key', models.CharField(help_text="sha256 of the item's id, or of its content.", max_length=64)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('annotation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='annotations.annotation')),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reader.document')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'api_importrecord',
                'constraints': [models.UniqueConstraint(fields=('user', 'document', 'source_key'), name='importrecord_unique_source')],
            },
        ),])
    ]
