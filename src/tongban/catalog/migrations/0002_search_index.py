"""The full-text index of the catalogue, in each database's own machinery.

SQLite: an FTS5 table over the segmented search documents (unicode61 splits on the spaces
between jieba's words, so two-character words match). PostgreSQL: a GIN index on the
`simple` text-search vector of `ServiceItem.search_document`.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalog_search USING fts5("
            "document, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX catalog_serviceitem_search ON catalog_serviceitem "
            "USING GIN (to_tsvector('simple', search_document))"
        )


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_search")
    elif connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_serviceitem_search")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
