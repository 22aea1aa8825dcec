"""No more kept reading pages, nor the stamps and triggers that proved them current.

The reading page is now the paper's text, rendered once per document and kept in each process
(reader.rendering.ReadingPage.of: a document's text never changes, so nothing invalidates
it), with the reader's margins built on each view. On a paper a class is writing on, every
note advanced the stamp and the kept pages rarely held, while every write paid the triggers.
Reversing recreates the functions and triggers of 0002 (with 0003's password column).
"""

from importlib import import_module

from django.db import migrations, models

stamps = import_module("reader.migrations.0002_readingstamp")
kept = import_module("reader.migrations.0003_keptpage")

DROP_FUNCTIONS = (
    "DROP FUNCTION reader_stamp_every_page(); DROP FUNCTION reader_stamp_rows(); "
    "DROP FUNCTION reader_stamp_documents(integer[]);"
)
# 0002's triggers, with the user's trigger as 0003 left it.
CREATE_TRIGGERS = stamps.CREATE_TRIGGERS + "\n" + kept._user_trigger(kept.AFTER)


class Migration(migrations.Migration):
    dependencies = [("reader", "0004_paragraph_page_and_source_file")]

    operations = [
        migrations.RunSQL(stamps.DROP_TRIGGERS, CREATE_TRIGGERS),
        migrations.RunSQL(DROP_FUNCTIONS, stamps.FUNCTIONS),
        migrations.DeleteModel(name="KeptPage"),
        migrations.DeleteModel(name="ReadingStamp"),
    ]
