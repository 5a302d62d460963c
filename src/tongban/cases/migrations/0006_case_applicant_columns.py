"""The applicant as the case names it, on the case row (the staff queue reads it there):
the columns, then filled for the cases already there — one UPDATE per column, from the
company, else the applicant person, else who filed the case (SQLite and PostgreSQL)."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    case = apps.get_model("cases", "Case")._meta.db_table
    company = apps.get_model("accounts", "Company")._meta.db_table
    person = apps.get_model("accounts", "Person")._meta.db_table

    def of(column: str, table: str, key: str) -> str:
        return f"(SELECT {column} FROM {table} WHERE id = {case}.{key})"  # noqa: S608 — names from the models

    who = f"COALESCE({case}.applicant_person_id, {case}.submitted_by_id)"
    statements = [
        f"UPDATE {case} SET applicant_kind = CASE WHEN applicant_company_id IS NULL "  # noqa: S608 — as above
        "THEN 'person' ELSE 'company' END",
        f"UPDATE {case} SET applicant_label = COALESCE("  # noqa: S608 — as above
        f"{of('name', company, 'applicant_company_id')}, "
        f"(SELECT name FROM {person} WHERE id = {who}), '')",
        f"UPDATE {case} SET applicant_identifier = COALESCE("  # noqa: S608 — as above
        f"{of('uscc', company, 'applicant_company_id')}, "
        f"(SELECT doc_masked FROM {person} WHERE id = {who}), '')",
    ]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0005_document_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="applicant_kind",
            field=models.CharField(blank=True, default="", max_length=7),
        ),
        migrations.AddField(
            model_name="case",
            name="applicant_label",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="case",
            name="applicant_identifier",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
