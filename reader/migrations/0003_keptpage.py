"""Kept reading pages beside their stamps, and a password change stamping every page.

The reading page's cache no longer loads the session's data or the user on a cached view: a
page kept for a session is trusted while the session lives and the stamps stand
(reader/page_cache.py). That holds while the every-page stamp moves whenever a user's
password, flags or existence change (a password change outdates their other sessions), so
the password joins the columns that stamp every page.
"""

from django.db import migrations, models

BEFORE = "DELETE OR UPDATE OF username, first_name, last_name, display_name, is_active, is_staff, is_superuser"
AFTER = BEFORE + ", password"


def _user_trigger(events):
    return (
        "DROP TRIGGER reader_stamp_every_page ON accounts_user; "
        f"CREATE TRIGGER reader_stamp_every_page AFTER {events} OR TRUNCATE ON accounts_user "
        "FOR EACH STATEMENT EXECUTE FUNCTION reader_stamp_every_page();"
    )


class Migration(migrations.Migration):
    dependencies = [("reader", "0002_readingstamp")]

    operations = [
        migrations.CreateModel(
            name="KeptPage",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("document_id", models.IntegerField()),
                ("stamp", models.BigIntegerField()),
                ("every_page_stamp", models.BigIntegerField()),
                ("page", models.BinaryField()),
                ("expires", models.DateTimeField()),
            ],
            options={"indexes": [models.Index(fields=["expires"], name="keptpage_expires")]},
        ),
        migrations.RunSQL(_user_trigger(AFTER), _user_trigger(BEFORE)),
    ]
