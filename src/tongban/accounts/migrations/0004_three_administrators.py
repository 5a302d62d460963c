"""三员分立: the platform administrator becomes the system administrator, and the database
refuses an account holding the system and the security administrator, or the audit
administrator with any other role (accounts/permissions.py)."""

from django.db import migrations, models


def platform_admin_to_system_admin(apps, schema_editor):
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    for profile in StaffProfile.objects.all().only("roles"):
        if "platform_admin" in profile.roles:
            roles = {r for r in profile.roles if r != "platform_admin"}
            profile.roles = sorted(roles | {"system_admin"})
            profile.save(update_fields=["roles"])


def system_admin_to_platform_admin(apps, schema_editor):
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    for profile in StaffProfile.objects.all().only("roles"):
        if "system_admin" in profile.roles:
            roles = {r for r in profile.roles if r != "system_admin"}
            profile.roles = sorted(roles | {"platform_admin"})
            profile.save(update_fields=["roles"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_api_session_last_used"),
    ]

    operations = [
        migrations.RunPython(
            platform_admin_to_system_admin, system_admin_to_platform_admin
        ),
        migrations.AddConstraint(
            model_name="staffprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("roles__icontains", '"system_admin"'),
                        ("roles__icontains", '"security_admin"'),
                        _negated=True,
                    ),
                    models.Q(
                        models.Q(("roles__icontains", '"audit_admin"'), _negated=True),
                        ("roles", ["audit_admin"]),
                        _connector="OR",
                    ),
                ),
                name="staff_administrators_apart",
            ),
        ),
    ]
