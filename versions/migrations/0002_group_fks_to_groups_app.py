"""Publications and uploads point at groups.StudyGroup: state only (same table, same column)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0001_initial'),
        ('versions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='publication',
                    name='group',
                    field=models.ForeignKey(blank=True, help_text="Only this group's members see the document; empty for the whole library.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='groups.studygroup'),
                ),
                migrations.AlterField(
                    model_name='upload',
                    name='group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='groups.studygroup'),
                ),
            ],
            database_operations=[],
        ),
    ]
