"""Where an uploaded file waits for the worker and the language of its report; who may import calls.

The roles (officers 0003) predate the calls app: analysts and supervisors get to import files and read the
batches, administrators every permission of the app.
"""

from django.db import migrations, models

GRANTS = {
    "Administrator": ["calls.*"],
    "Supervisor": ["calls.add_importbatch", "calls.view_importbatch", "calls.view_importprofile"],
    "Analyst": ["calls.add_importbatch", "calls.view_importbatch", "calls.view_importprofile"],
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
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="calls"))


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0002_shipped_profiles"),
        ("officers", "0003_languages_and_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="language",
            field=models.CharField(blank=True, editable=False, max_length=10, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="upload",
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name="stored upload"),
        ),
        migrations.RunPython(grant, ungrant),
    ]
