from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beats.services import SectorImportOptions, sectors_import_geojson
from common.commands import Command as ProjectCommand


class Command(ProjectCommand):
    help = gettext_lazy(
        "Create or update sectors by code from a GeoJSON FeatureCollection, all or nothing. "
        "Example: import_sectors beats.geojson --code-property beat --source-crs EPSG:32188"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=gettext_lazy("GeoJSON file to read"))
        parser.add_argument("--code-property", default="code", help=gettext_lazy("property holding the code"))
        parser.add_argument("--name-property", default="name", help=gettext_lazy("property holding the name"))
        parser.add_argument("--municipality-property", default="municipality")
        parser.add_argument("--borough-property", default=None)
        parser.add_argument("--population-property", default=None)
        parser.add_argument(
            "--programme-start-property", default=None, help=gettext_lazy("property holding YYYY-MM-DD dates")
        )
        parser.add_argument(
            "--municipality", default="", help=gettext_lazy("municipality for features that name none")
        )
        parser.add_argument(
            "--source-crs",
            default=None,
            help=gettext_lazy(
                "CRS of the coordinates (default: the file's own, else WGS84), e.g. EPSG:32188"
            ),
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help=gettext_lazy("deactivate active sectors whose code is not in the file"),
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        import_options = SectorImportOptions(
            code_property=options["code_property"],
            name_property=options["name_property"],
            municipality_property=options["municipality_property"],
            borough_property=options["borough_property"],
            population_property=options["population_property"],
            programme_start_property=options["programme_start_property"],
            default_municipality=options["municipality"],
            source_crs=options["source_crs"],
            deactivate_missing=options["deactivate_missing"],
        )
        try:
            with path.open("rb") as source:
                result = sectors_import_geojson(source=source, options=import_options)
        except ValidationError as error:
            raise CommandError(
                _("%(file)s: nothing imported.") % {"file": path} + "\n" + "\n".join(error.messages)
            ) from error
        self.stdout.write(
            _(
                "%(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(deactivated)d deactivated (source CRS %(crs)s)."
            )
            % {
                "file": path,
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
                "deactivated": len(result.deactivated),
                "crs": result.source_crs,
            }
        )
