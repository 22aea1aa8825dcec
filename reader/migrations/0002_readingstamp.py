"""The reading page's change stamps (reader.models.ReadingStamp) and the triggers that keep them.

Statement-level triggers with transition tables: a statement touching a million rows (the
benchmark's COPY, a bulk update) costs one grouped query, not a million. The row lock on a
document's stamp is what orders a write against the readers' cache keys: the stamp and the
rows it covers become visible in the same commit.
"""

from django.db import migrations, models

# Tables whose rows belong to documents: (table, [(column, what the column points at), ...]).
# A link shows on two pages: its note's card shows the target's text and paper, the target's
# margin shows the note's text, author and paper ("Linked from"). So a note's change also
# stamps the papers its links point at, and a paragraph's or a paper's the papers linked
# to or from it (the "links of" kinds).
PER_DOCUMENT = [
    ("reader_document", [("id", "document"), ("id", "links of document")]),
    ("reader_paragraph", [("document_id", "document"), ("id", "links of paragraph")]),
    ("annotations_annotation", [("paragraph_id", "paragraph"), ("id", "links of annotation")]),
    ("annotations_link", [("annotation_id", "annotation"), ("target_id", "paragraph")]),
    ("annotations_taggedannotation", [("content_object_id", "annotation")]),
    ("discussions_curation", [("annotation_id", "annotation"), ("annotation_id", "links of annotation")]),
    ("discussions_vote", [("annotation_id", "annotation")]),
]
# Tables that can change any page, and the events that do. A user's login (last_login) and
# a new sign-up or tag change no page; their names, roles and flags do.
EVERY_PAGE = [
    ("accounts_user", "DELETE OR UPDATE OF username, first_name, last_name, display_name, is_active, is_staff, is_superuser"),
    ("annotations_studygroup", "INSERT OR UPDATE OR DELETE"),
    ("annotations_membership", "INSERT OR UPDATE OR DELETE"),
    ("discussions_groupsettings", "INSERT OR UPDATE OR DELETE"),
    ("taggit_tag", "UPDATE OR DELETE"),
    ("versions_publication", "INSERT OR UPDATE OR DELETE"),
]

FUNCTIONS = r"""
CREATE FUNCTION reader_stamp_documents(ids integer[]) RETURNS void LANGUAGE sql AS $$
    -- In document order, so two writers stamping the same documents lock them in one order.
    INSERT INTO reader_readingstamp AS stamp (document_id, changes)
    SELECT DISTINCT id, 1 FROM unnest(ids) AS id WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (document_id) DO UPDATE SET changes = stamp.changes + 1
$$;

-- Arguments: pairs of (column, what it points at): document | paragraph | annotation (their
-- papers) | links of annotation | links of paragraph | links of document (the papers at the
-- other end of their links).
CREATE FUNCTION reader_stamp_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids integer[] := '{}';
    found integer[];
    rows_name text;
    query text;
BEGIN
    FOREACH rows_name IN ARRAY CASE TG_OP
        WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows']
        ELSE ARRAY['new_rows', 'old_rows'] END
    LOOP
        FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP
            query := CASE TG_ARGV[i + 1]
                WHEN 'document' THEN 'SELECT array_agg(r.%1$I) FROM %2$I r'
                WHEN 'paragraph' THEN
                    'SELECT array_agg(p.document_id) FROM %2$I r JOIN reader_paragraph p ON p.id = r.%1$I'
                WHEN 'annotation' THEN
                    'SELECT array_agg(p.document_id) FROM %2$I r JOIN annotations_annotation a ON a.id = r.%1$I'
                    ' JOIN reader_paragraph p ON p.id = a.paragraph_id'
                WHEN 'links of annotation' THEN
                    'SELECT array_agg(t.document_id) FROM %2$I r JOIN annotations_link l ON l.annotation_id = r.%1$I'
                    ' JOIN reader_paragraph t ON t.id = l.target_id'
                WHEN 'links of paragraph' THEN
                    'SELECT array_agg(d) FROM ('
                    ' SELECT t.document_id AS d FROM %2$I r JOIN annotations_annotation a ON a.paragraph_id = r.%1$I'
                    '  JOIN annotations_link l ON l.annotation_id = a.id JOIN reader_paragraph t ON t.id = l.target_id'
                    ' UNION SELECT p.document_id FROM %2$I r JOIN annotations_link l ON l.target_id = r.%1$I'
                    '  JOIN annotations_annotation a ON a.id = l.annotation_id'
                    '  JOIN reader_paragraph p ON p.id = a.paragraph_id) x'
                WHEN 'links of document' THEN
                    'SELECT array_agg(d) FROM ('
                    ' SELECT t.document_id AS d FROM %2$I r JOIN reader_paragraph s ON s.document_id = r.%1$I'
                    '  JOIN annotations_annotation a ON a.paragraph_id = s.id'
                    '  JOIN annotations_link l ON l.annotation_id = a.id JOIN reader_paragraph t ON t.id = l.target_id'
                    ' UNION SELECT p.document_id FROM %2$I r JOIN reader_paragraph t ON t.document_id = r.%1$I'
                    '  JOIN annotations_link l ON l.target_id = t.id JOIN annotations_annotation a ON a.id = l.annotation_id'
                    '  JOIN reader_paragraph p ON p.id = a.paragraph_id) x'
            END;
            EXECUTE format(query, TG_ARGV[i], rows_name) INTO found;
            ids := ids || coalesce(found, '{}');
        END LOOP;
    END LOOP;
    PERFORM reader_stamp_documents(ids);
    RETURN NULL;
END
$$;

CREATE FUNCTION reader_stamp_every_page() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reader_stamp_documents(ARRAY[0]);
    RETURN NULL;
END
$$;
"""


def _triggers():
    create, drop = [], []
    for table, columns in PER_DOCUMENT:
        args = ", ".join(f"'{name}'" for pair in columns for name in pair)
        for event, transition in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                                  ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows")):
            name = f"reader_stamp_{event.lower()}"
            create.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION reader_stamp_rows({args});")
            drop.append(f"DROP TRIGGER {name} ON {table};")
        # TRUNCATE has no rows to follow: it changes every page.
        create.append(f"CREATE TRIGGER reader_stamp_truncate AFTER TRUNCATE ON {table} "
                      f"FOR EACH STATEMENT EXECUTE FUNCTION reader_stamp_every_page();")
        drop.append(f"DROP TRIGGER reader_stamp_truncate ON {table};")
    for table, events in EVERY_PAGE:
        create.append(f"CREATE TRIGGER reader_stamp_every_page AFTER {events} OR TRUNCATE ON {table} "
                      f"FOR EACH STATEMENT EXECUTE FUNCTION reader_stamp_every_page();")
        drop.append(f"DROP TRIGGER reader_stamp_every_page ON {table};")
    return "\n".join(create), "\n".join(drop)


CREATE_TRIGGERS, DROP_TRIGGERS = _triggers()


class Migration(migrations.Migration):
    dependencies = [
        ("reader", "0001_initial"),
        ("accounts", "0001_initial"),
        ("annotations", "0004_margin_count_index"),
        ("discussions", "0001_initial"),
        ("versions", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadingStamp",
            fields=[
                ("document_id", models.IntegerField(primary_key=True, serialize=False)),
                ("changes", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(
            FUNCTIONS,
            "DROP FUNCTION reader_stamp_every_page(); DROP FUNCTION reader_stamp_rows(); "
            "DROP FUNCTION reader_stamp_documents(integer[]);",
        ),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
