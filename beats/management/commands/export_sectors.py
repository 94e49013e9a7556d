import json
import sys

from django.utils.translation import gettext_lazy

from beats.services import sectors_export_geojson
from common.commands import Command as ProjectCommand


class Command(ProjectCommand):
    help = gettext_lazy(
        "Write every sector as a GeoJSON FeatureCollection (the format import_sectors reads)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default="-", help=gettext_lazy("file to write, - for standard output")
        )

    def handle(self, *args, **options):
        text = json.dumps(sectors_export_geojson(), ensure_ascii=False, indent=1)
        if options["output"] == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(options["output"], "w", encoding="utf-8") as output:
                output.write(text + "\n")
