"""The import profiles shipped with the app: the real Seattle CAD exports and the demo's Longueuil export."""

from django.db import migrations

PROFILES = {
    "seattle-cad": {
        "source": "seattle-spd",
        "description": (
            "Seattle Police Department calls for service (data.seattle.gov), as published: UTF-8 with BOM, "
            "comma-separated, times in America/Los_Angeles, blurred WGS84 coordinates (0 = none), beat codes."
        ),
        "file_format": "csv",
        "encoding": "auto",
        "delimiter": ",",
        "decimal_comma": False,
        "incident_number_column": "CAD Event Number",
        "received_at_column": "Original Time Queued",
        "received_at_format": "%m/%d/%Y %I:%M:%S %p",
        "time_zone": "America/Los_Angeles",
        "call_type_code_column": "Final Call Type",
        "call_type_label_column": "Final Call Type",
        "priority_column": "Priority",
        "origin_column": "Call Type",
        "origin_mapping": {"911": "911", "ONVIEW": "on_view", "TELEPHONE OTHER, NOT 911": "phone"},
        "x_column": "Blurred_Longitude",
        "y_column": "Blurred_Latitude",
        "coordinates_epsg": 4326,
        "source_sector_column": "Beat",
    },
    "longueuil-cad-demo": {
        "source": "longueuil-cad",
        "description": (
            "The demo's synthetic Longueuil export: Windows-1252, semicolons, decimal commas, times in "
            "America/Toronto, NAD83 MTM zone 8 coordinates (EPSG:32188)."
        ),
        "file_format": "csv",
        "encoding": "cp1252",
        "delimiter": ";",
        "decimal_comma": True,
        "incident_number_column": "No_evenement",
        "received_at_column": "Date_heure_reception",
        "received_at_format": "%Y-%m-%d %H:%M:%S",
        "time_zone": "America/Toronto",
        "call_type_code_column": "Code_appel",
        "call_type_label_column": "Description_appel",
        "priority_column": "Priorite",
        "origin_column": "Origine",
        "origin_mapping": {"911": "911", "TEL": "phone", "INITIATIVE": "on_view"},
        "x_column": "X_MTM8",
        "y_column": "Y_MTM8",
        "coordinates_epsg": 32188,
        "source_sector_column": "Secteur",
    },
}


def create(apps, schema_editor):
    ImportProfile = apps.get_model("calls", "ImportProfile")
    for name, fields in PROFILES.items():
        ImportProfile.objects.update_or_create(name=name, defaults=fields)


def remove(apps, schema_editor):
    apps.get_model("calls", "ImportProfile").objects.filter(name__in=PROFILES, batches__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
