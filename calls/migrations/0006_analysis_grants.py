"""Who may read the analysts' figures and map call types.

Analysts read the monthly counts and deltas and keep the call-type mapping (they are asked to map the codes
an import found unmapped); supervisors read the figures and the mapping; administrators get every permission
of the app again, since the models added after 0003 brought permissions of their own.
"""

from django.db import migrations

GRANTS = {
    "Administrator": ["calls.*"],
    "Supervisor": [
        "calls.view_monthlycallcount",
        "calls.view_callcountsstate",
        "calls.view_calltype",
        "calls.view_callcategory",
    ],
    "Analyst": [
        "calls.view_monthlycallcount",
        "calls.view_callcountsstate",
        "calls.view_calltype",
        "calls.change_calltype",
        "calls.view_callcategory",
        "calls.add_callcategory",
        "calls.change_callcategory",
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("calls")
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
            group.permissions.add(*found)


def ungrant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None or name == "Administrator":
            continue
        codenames = [entry.split(".")[1] for entry in wanted]
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="calls", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("calls", "0005_nightly_recompute")]

    operations = [migrations.RunPython(grant, ungrant)]
