"""PostgreSQL: the `simple` text-search vector of each item stored in a generated column,
indexed by GIN. Matching used the expression index already, but ranking recomputed the
vector of every matching item on every search (13 ms for a word a thousand items share);
a stored vector is read instead. SQLite (FTS5) is unchanged.
"""

from django.db import migrations


def store_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE catalog_serviceitem ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX catalog_serviceitem_search_vector ON catalog_serviceitem "
        "USING GIN (search_vector)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS catalog_serviceitem_search")


def compute_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX catalog_serviceitem_search ON catalog_serviceitem "
        "USING GIN (to_tsvector('simple', search_document))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS catalog_serviceitem_search_vector")
    schema_editor.execute(
        "ALTER TABLE catalog_serviceitem DROP COLUMN IF EXISTS search_vector"
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]
    operations = [migrations.RunPython(store_vector, compute_vector)]
