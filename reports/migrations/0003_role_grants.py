"""Who may see and start the monthly reports: analysts, supervisors and administrators.

The privacy officer and officers do not: a report is about the unit's work, not about residents, and the roles
that report on it are these three.
"""

from django.db import migrations

GROUPS = ["Analyst", "Supervisor", "Administrator"]
PERMISSIONS = ["view_generatedreport", "add_generatedreport"]


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
        ("reports", "0002_monthly_schedule"),
        ("officers", "0003_languages_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, ungrant)]
