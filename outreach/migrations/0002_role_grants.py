"""Who manages outreach: supervisors manage campaigns, activities and sector priorities; officers record
activities and read the rest; analysts read; administrators get every permission of the app."""

from django.db import migrations

VIEW_ALL = ["outreach.view_campaign", "outreach.view_activity", "outreach.view_sectorpriority"]

GRANTS = {
    "Administrator": ["outreach.*"],
    "Supervisor": [
        f"outreach.{action}_{model}"
        for model in ("campaign", "activity", "sectorpriority")
        for action in ("add", "change", "delete", "view")
    ],
    "Officer": ["outreach.add_activity", "outreach.change_activity", *VIEW_ALL],
    "Analyst": VIEW_ALL,
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("outreach")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:  # a service that deleted a role keeps it deleted
            continue
        for entry in wanted:
            app_label, codename = entry.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                found = found.filter(codename=codename)
                if not found.exists():
                    raise LookupError(f"permission {entry} not found")
            group.permissions.add(*found)


def ungrant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="outreach"))


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_campaigns_activities_priorities"),
        ("officers", "0003_languages_and_roles"),
    ]

    operations = [migrations.RunPython(grant, ungrant)]
