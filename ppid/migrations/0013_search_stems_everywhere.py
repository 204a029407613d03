"""Search the same way on both databases: stems made in Python.

PostgreSQL's vectors are rebuilt from the Python stems with the ``simple``
configuration; SQLite gets an FTS5 table of the same stems. The words of
the published titles and summaries fill the vocabulary of "Maksud Anda".
On a large catalogue this reads every item once (about a minute per 100,000).
"""

from collections import Counter

from django.db import migrations, models

FTS_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS ppid_item_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
)
PG_UPDATE = (
    "UPDATE ppid_informationitem SET search_vector = "
    "setweight(to_tsvector('simple', %s), 'A') || "
    "setweight(to_tsvector('simple', %s), 'B') || "
    "setweight(to_tsvector('simple', %s), 'C') WHERE id = %s"
)
# What migration 0003 indexed, for the way back.
PG_RESTORE = (
    "UPDATE ppid_informationitem SET search_vector = "
    "setweight(to_tsvector('indonesian', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('indonesian', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('indonesian', coalesce(extracted_text, '')), 'C')"
)
BATCH = 500


def reindex(apps, schema_editor):
    from ppid.catalogue.analysis import analyse, words

    connection = schema_editor.connection
    item_model = apps.get_model("ppid", "InformationItem")
    term_model = apps.get_model("ppid", "SearchTerm")
    postgres = connection.vendor == "postgresql"
    if not postgres:
        schema_editor.execute(FTS_CREATE)
    rows = item_model.objects.order_by("pk").values_list(
        "pk", "title", "summary", "extracted_text", "status", "category"
    )
    counts = Counter()
    batch = []

    def flush():
        with connection.cursor() as cursor:
            if postgres:
                cursor.executemany(PG_UPDATE, [(t, s, b, pk) for pk, t, s, b in batch])
            else:
                cursor.executemany(
                    "INSERT INTO ppid_item_fts (rowid, title, summary, body) "
                    "VALUES (%s, %s, %s, %s)",
                    batch,
                )
        batch.clear()

    for pk, title, summary, text, status, category in rows.iterator(2000):
        batch.append((pk, analyse(title), analyse(summary), analyse(text)))
        if status == "published" and category != "dikecualikan":
            counts.update(
                {
                    w
                    for w in words("{} {}".format(title, summary))
                    if 3 <= len(w) <= 40 and not w.isdigit()
                }
            )
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    term_model.objects.bulk_create(
        [
            term_model(term=w, prefix=w[:2], length=len(w), frequency=n)
            for w, n in sorted(counts.items())
        ],
        batch_size=2000,
    )


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_RESTORE)
    else:
        schema_editor.execute("DROP TABLE IF EXISTS ppid_item_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("ppid", "0012_ppid_profile"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "term",
                    models.CharField(max_length=40, unique=True, verbose_name="word"),
                ),
                (
                    "prefix",
                    models.CharField(max_length=2, verbose_name="first letters"),
                ),
                ("length", models.PositiveSmallIntegerField(verbose_name="length")),
                (
                    "frequency",
                    models.PositiveIntegerField(
                        default=1,
                        help_text="Items whose title or summary has the word, when last counted.",
                        verbose_name="frequency",
                    ),
                ),
            ],
            options={
                "verbose_name": "search term",
                "verbose_name_plural": "search terms",
                "indexes": [
                    models.Index(
                        fields=["prefix", "length"], name="ppid_searchterm_lookup"
                    )
                ],
            },
        ),
        migrations.RunPython(reindex, unindex),
    ]
