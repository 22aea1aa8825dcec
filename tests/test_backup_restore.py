"""make backup / make restore: a round trip keeps every row of every table."""

import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from annotations.models import Annotation, Link, Visibility
from config import backups
from groups.models import Membership, Role, StudyGroup

RESTORED = "marginalia_backup_test" + os.environ.get("TEST_DB_SUFFIX", "")


def admin_connection(db):
    return psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"],
                           password=db["PASSWORD"] or None, dbname="postgres", autocommit=True)


def snapshot(db, name):
    """Every table's row count, and a checksum over the annotations' full rows."""
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=name) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        checksum = conn.execute(
            "SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM annotations_annotation a").fetchone()[0]
    return counts, checksum


@pytest.fixture
def restored_database():
    db = connection.settings_dict
    with admin_connection(db) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{RESTORED}"')
    yield {**db, "NAME": RESTORED}
    with admin_connection(db) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')


@pytest.fixture
def annotated(transactional_db, document, make_user):
    # Committed rows (transactional_db): pg_dump reads from its own connection.
    author, reader = make_user("ada"), make_user("bo")
    group = StudyGroup.objects.create(name="Seminar", created_by=author)
    Membership.objects.create(group=group, user=author, role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=reader)
    paragraphs = list(document.paragraphs.all())
    root = Annotation.objects.create(paragraph=paragraphs[2], author=author, body="**Key** claim, é ü 中文",
                                     visibility=Visibility.GROUP, group=group, quote="Industrial policy",
                                     start=0, end=17, prefix="", suffix=" shapes")
    root.tags.add("policy", "modernization")
    Annotation.objects.create(paragraph=paragraphs[2], author=reader, body="I disagree", parent=root,
                              visibility=Visibility.GROUP, group=group)
    Annotation.objects.create(paragraph=paragraphs[3], author=reader, body="private", visibility=Visibility.PRIVATE)
    Link.objects.create(annotation=root, target=paragraphs[4], relation="supports")
    Link.objects.create(annotation=root, url="https://example.org/paper")
    return document


def test_backup_then_restore_into_an_empty_database_keeps_every_row(annotated, restored_database, tmp_path, capsys):
    source = connection.settings_dict
    before = snapshot(source, source["NAME"])
    assert before[0]["annotations_annotation"] == 3 and before[0]["annotations_link"] == 2

    call_command("backup", output_dir=tmp_path)
    (archive,) = tmp_path.glob("*.dump")
    assert archive.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert str(archive) in capsys.readouterr().out

    backups.restore(archive, restored_database)
    assert snapshot(source, RESTORED) == before


def test_restore_over_a_changed_database_brings_back_the_backed_up_state(annotated, tmp_path):
    source = connection.settings_dict
    before = snapshot(source, source["NAME"])
    call_command("backup", output_dir=tmp_path)
    (archive,) = tmp_path.glob("*.dump")

    Annotation.objects.filter(parent__isnull=False).delete()
    Annotation.objects.filter(body="private").update(body="edited after the backup")
    assert snapshot(source, source["NAME"]) != before

    connection.close()
    call_command("restore", archive)
    assert snapshot(source, source["NAME"]) == before


def test_restoring_a_missing_file_is_a_clear_error(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", tmp_path / "nope.dump")
