"""Languages officers commonly speak on the territory, and the staff roles as groups."""

from django.db import migrations

LANGUAGES = [
    ("fr", "français", "French"),
    ("en", "anglais", "English"),
    ("es", "espagnol", "Spanish"),
    ("ar", "arabe", "Arabic"),
    ("zh", "mandarin", "Mandarin"),
    ("ht", "créole haïtien", "Haitian Creole"),
    ("pt", "portugais", "Portuguese"),
    ("it", "italien", "Italian"),
    ("vi", "vietnamien", "Vietnamese"),
    ("ru", "russe", "Russian"),
    ("fa", "persan", "Persian"),
    ("ro", "roumain", "Romanian"),
    ("asl", "langue des signes (LSQ/ASL)", "Sign language (LSQ/ASL)"),
]

# Group → permissions ("app_label.codename"). "*" after an app label: every permission of that app.
ROLES = {
    "Administrator": ["auth.*", "beats.*", "officers.*", "axes.*", "django_celery_beat.*"],
    "Supervisor": [
        "beats.add_sector",
        "beats.change_sector",
        "beats.view_sector",
        "beats.view_sectormapversion",
        "officers.add_officer",
        "officers.change_officer",
        "officers.view_officer",
        "officers.add_assignment",
        "officers.change_assignment",
        "officers.view_assignment",
        "officers.add_absence",
        "officers.change_absence",
        "officers.delete_absence",
        "officers.view_absence",
        "officers.view_coveragechange",
        "officers.view_language",
        "officers.view_coverage",
    ],
    # Sees the unit; edits nothing here; never sees why a colleague is away.
    "Officer": [
        "beats.view_sector",
        "officers.view_officer",
        "officers.view_assignment",
        "officers.view_language",
        "officers.view_coverage",
    ],
    "Analyst": [
        "beats.view_sector",
        "beats.view_sectormapversion",
        "officers.view_officer",
        "officers.view_assignment",
        "officers.view_coveragechange",
        "officers.view_language",
        "officers.view_coverage",
    ],
}


def create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Language = apps.get_model("officers", "Language")
    for code, name_fr, name_en in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name_fr": name_fr, "name_en": name_en})

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for entry in wanted:
            app_label, codename = entry.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                found = found.filter(codename=codename)
                if not found.exists():
                    raise LookupError(f"permission {entry} not found")
            permissions.extend(found)
        group.permissions.set(permissions)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
    apps.get_model("officers", "Language").objects.filter(code__in=[code for code, *_ in LANGUAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0002_postgresql_exclusion_constraints"),
        ("beats", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("axes", "0010_accessattemptexpiration"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, remove)]
