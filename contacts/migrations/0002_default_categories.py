"""The contact categories the issue lists, as a starting list the service edits in the admin."""

from django.db import migrations

CATEGORIES = [
    ("neighbour-dispute", "Conflit de voisinage", "Neighbour dispute"),
    ("mental-health", "Santé mentale", "Mental health"),
    ("homelessness", "Itinérance", "Homelessness"),
    ("domestic-situation", "Situation familiale ou conjugale", "Domestic situation"),
    ("theft-break-in", "Vol ou introduction par effraction", "Theft or break-in"),
    ("noise", "Bruit", "Noise"),
    ("traffic", "Circulation", "Traffic"),
    ("youth", "Jeunesse", "Youth"),
    ("information-request", "Demande d’information", "Information request"),
    ("other", "Autre", "Other"),
]


def create(apps, schema_editor):
    ContactCategory = apps.get_model("contacts", "ContactCategory")
    for position, (slug, name_fr, name_en) in enumerate(CATEGORIES, start=1):
        # A category the service renamed or retired stays as the service left it.
        ContactCategory.objects.get_or_create(
            slug=slug, defaults={"name_fr": name_fr, "name_en": name_en, "position": position * 10}
        )


def remove(apps, schema_editor):
    apps.get_model("contacts", "ContactCategory").objects.filter(slug__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_categories_and_partners")]

    operations = [migrations.RunPython(create, remove)]
