"""GroupSettings moved to the groups app and the group FKs point there: state only
(the table discussions_groupsettings stays, now owned by groups.GroupSettings).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('discussions', '0001_initial'),
        ('groups', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='follow',
                    name='group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='follows', to='groups.studygroup'),
                ),
                migrations.AlterField(
                    model_name='guide',
                    name='group',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guides', to='groups.studygroup'),
                ),
                migrations.AlterField(
                    model_name='moderationaction',
                    name='group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='moderation_actions', to='groups.studygroup'),
                ),
                migrations.DeleteModel(
                    name='GroupSettings',
                ),
            ],
            database_operations=[],
        ),
    ]
