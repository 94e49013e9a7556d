from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beats.addresses.importer import AddressImportOptions, addresses_import
from common.commands import Command as ProjectCommand


class Command(ProjectCommand):
    help = gettext_lazy(
        "Create or update civic addresses from a CSV or GeoJSON file, all or nothing. "
        "Example: import_addresses adresses.csv --number-column NO_CIVIQUE --source-crs EPSG:32188"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=gettext_lazy("CSV or GeoJSON file to read"))
        parser.add_argument(
            "--format",
            choices=["csv", "geojson"],
            default=None,
            help=gettext_lazy("the file's format (default: guessed from its content)"),
        )
        parser.add_argument("--number-column", default="civic_number")
        parser.add_argument("--street-column", default="street")
        parser.add_argument("--municipality-column", default="municipality")
        parser.add_argument("--postal-code-column", default="postal_code")
        parser.add_argument("--x-column", default="lon", help=gettext_lazy("column holding x or longitude"))
        parser.add_argument("--y-column", default="lat", help=gettext_lazy("column holding y or latitude"))
        parser.add_argument(
            "--source-crs",
            default=None,
            help=gettext_lazy(
                "CRS of the coordinates (default: WGS84, or a GeoJSON file's own), e.g. EPSG:32188"
            ),
        )
        parser.add_argument(
            "--municipality", default="", help=gettext_lazy("municipality for rows that name none")
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        import_options = AddressImportOptions(
            number_column=options["number_column"],
            street_column=options["street_column"],
            municipality_column=options["municipality_column"],
            postal_code_column=options["postal_code_column"],
            x_column=options["x_column"],
            y_column=options["y_column"],
            source_crs=options["source_crs"],
            default_municipality=options["municipality"],
        )
        try:
            result = addresses_import(source=path, format=options["format"], options=import_options)
        except ValidationError as error:
            raise CommandError(
                _("%(file)s: nothing imported.") % {"file": path} + "\n" + "\n".join(error.messages)
            ) from error
        self.stdout.write(
            _(
                "%(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged "
                "(source CRS %(crs)s)."
            )
            % {
                "file": path,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "crs": result.source_crs,
            }
        )
