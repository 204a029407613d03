"""Full-text and trigram indexes, on PostgreSQL only.

SQLite has neither; there the catalogue searches with LIKE (ppid.catalogue.search).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS ppid_item_search_gin "
    "ON ppid_informationitem USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS ppid_item_title_trgm "
    "ON ppid_informationitem USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS ppid_item_search_gin",
    "DROP INDEX IF EXISTS ppid_item_title_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ppid", "0002_perki_subtypes")]

    operations = [
        # Skips itself on other databases.
        TrigramExtension(),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
