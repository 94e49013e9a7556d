"""Who may read the audit trail of report downloads: administrators and the privacy officer (who answers for
what leaves the service), as with the trail of residents' identities."""

from django.db import migrations

GROUPS = ["Administrator", "Privacy officer"]
PERMISSIONS = ["view_reportdownload"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="reports", codename__in=PERMISSIONS))
    if len(permissions) != len(PERMISSIONS):
        raise LookupError(f"permissions {PERMISSIONS} not found")
    for group in Group.objects.filter(name__in=GROUPS):  # a service that deleted a role keeps it deleted
        group.permissions.add(*permissions)


def ungrant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="reports", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_report_downloads"),
        ("contacts", "0004_roles"),
    ]

    operations = [migrations.RunPython(grant, ungrant)]
