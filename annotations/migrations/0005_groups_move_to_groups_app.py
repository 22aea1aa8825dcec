"""StudyGroup, Membership and Invitation moved to the groups app: state only (their tables
keep their names, now owned by groups). Runs after every other app's FKs point there.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0004_margin_count_index'),
        ('discussions', '0002_groupsettings_move_to_groups_app'),
        ('groups', '0001_initial'),
        ('versions', '0002_group_fks_to_groups_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='membership',
                    name='group',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='studygroup',
                    name='members',
                ),
                migrations.RemoveField(
                    model_name='studygroup',
                    name='created_by',
                ),
                migrations.AlterField(
                    model_name='annotation',
                    name='group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='annotations', to='groups.studygroup'),
                ),
                migrations.DeleteModel(
                    name='Invitation',
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='StudyGroup',
                ),
            ],
            database_operations=[],
        ),
    ]
