from pathlib import Path

from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.models import ImportBatch, ImportProfile
from calls.services.ingest import calls_import
from common.commands import Command as ProjectCommand


class Command(ProjectCommand):
    help = gettext_lazy(
        "Import a dispatch (CAD) export of 911 calls with an import profile. All or nothing unless "
        "--max-bad-percent is given. Example: import_calls spd_calls.csv --profile seattle-cad"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=gettext_lazy("CSV or XLSX file to read"))
        parser.add_argument("--profile", required=True, help=gettext_lazy("name of the import profile"))
        parser.add_argument(
            "--max-bad-percent",
            type=float,
            default=None,
            help=gettext_lazy(
                "skip bad rows up to this share of the rows read (%%); past it nothing is kept"
            ),
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            profile = ImportProfile.objects.get(name=options["profile"])
        except ImportProfile.DoesNotExist:
            names = ", ".join(ImportProfile.objects.values_list("name", flat=True))
            raise CommandError(
                _("No import profile named “%(name)s”. Known profiles: %(names)s.")
                % {"name": options["profile"], "names": names}
            ) from None
        threshold = options["max_bad_percent"]
        batch = calls_import(
            profile=profile,
            file=path,
            file_name=path.name,
            mode=ImportBatch.Mode.ALL_OR_NOTHING if threshold is None else ImportBatch.Mode.THRESHOLD,
            max_bad_percent=threshold or 0,
        )
        lines = [
            _("Batch %(id)s: %(status)s") % {"id": batch.pk, "status": batch.get_status_display()},
            _(
                "rows read %(read)s, created %(created)s, updated %(updated)s, unchanged %(unchanged)s, rejected %(rejected)s"
            )
            % {
                "read": batch.rows_read,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "rejected": batch.rejected,
            },
            _(
                "without coordinates %(none)s, outside the territory %(outside)s, sector differs from the "
                "source's %(differs)s, unplaced %(unplaced)s"
            )
            % {
                "none": batch.without_coordinates,
                "outside": batch.outside_territory,
                "differs": batch.sector_disagreement,
                "unplaced": batch.unplaced,
            },
        ]
        if batch.error_report:
            lines.append(
                ngettext(
                    "Error report (%(count)s rejected row): %(url)s",
                    "Error report (%(count)s rejected rows): %(url)s",
                    batch.rejected,
                )
                % {"count": batch.rejected, "url": reverse("admin:calls_importbatch_report", args=[batch.pk])}
            )
        self.stdout.write("\n".join(lines))
        if batch.status != ImportBatch.Status.SUCCEEDED:
            raise CommandError(batch.failure_message or batch.get_status_display())
