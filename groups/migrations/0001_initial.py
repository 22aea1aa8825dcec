"""The group models as they moved here from annotations and discussions: state only.

Their tables already exist (annotations 0001, discussions 0001) and keep their names, so
no row moves and reader's reading-cache triggers on these tables keep working.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import groups.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('annotations', '0004_margin_count_index'),
        ('discussions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StudyGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120)),
                        ('description', models.TextField(blank=True, max_length=2000)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'annotations_studygroup',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('instructor', 'Instructor'), ('moderator', 'Moderator'), ('member', 'Member')], default='member', max_length=20)),
                        ('joined', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'annotations_membership',
                        'ordering': ['group', 'joined'],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=groups.models.new_invitation_token, max_length=64, unique=True)),
                        ('role', models.CharField(choices=[('instructor', 'Instructor'), ('moderator', 'Moderator'), ('member', 'Member')], default='member', max_length=20)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('max_uses', models.PositiveIntegerField(blank=True, null=True)),
                        ('use_count', models.PositiveIntegerField(default=0)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='groups.studygroup')),
                    ],
                    options={
                        'db_table': 'annotations_invitation',
                        'ordering': ['-created'],
                    },
                ),
                migrations.AddField(
                    model_name='studygroup',
                    name='members',
                    field=models.ManyToManyField(related_name='study_groups', through='groups.Membership', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='membership',
                    name='group',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='groups.studygroup'),
                ),
                migrations.AddField(
                    model_name='membership',
                    name='user',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL),
                ),
                migrations.CreateModel(
                    name='GroupSettings',
                    fields=[
                        ('group', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='discussion_settings', serialize=False, to='groups.studygroup')),
                        ('hide_until_posted', models.BooleanField(default=False, help_text="Members see classmates' notes on a paragraph only once they have posted on it.")),
                        ('allow_anonymous', models.BooleanField(default=False, help_text='Members may post anonymously to classmates (instructors still see the name).')),
                    ],
                    options={
                        'verbose_name_plural': 'group settings',
                        'db_table': 'discussions_groupsettings',
                        'indexes': [models.Index(condition=models.Q(('hide_until_posted', True)), fields=['group'], name='groupsettings_hide_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.UniqueConstraint(fields=('group', 'user'), name='membership_unique_user'),
                ),
            ],
            database_operations=[],
        ),
    ]
