import tongban.notifications.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """Rows that exist get no key (one default for all of them would make them one message
    to the gateway); their first attempt gives them one. New rows get theirs when made."""

    dependencies = [
        ("notifications", "0002_staff_inbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.CharField(
                blank=True,
                default=tongban.notifications.models._new_key,
                max_length=32,
            ),
        ),
    ]
