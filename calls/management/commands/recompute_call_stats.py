from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.counts import counts_recompute
from calls.services.batches import batch_periods_recompute
from common.commands import Command as ProjectCommand
from common.commands import parse_month
from common.months import month_range


class Command(ProjectCommand):
    help = gettext_lazy(
        "Recompute the monthly call counts from the calls: every month, or the months from --from to --to "
        "(included). Safe to run at any time and as often as wanted: the result is the same."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help=gettext_lazy("first month, YYYY-MM"))
        parser.add_argument(
            "--to", dest="last", help=gettext_lazy("last month, YYYY-MM (default: the current month)")
        )

    def handle(self, *args, **options):
        first, last = options["first"], options["last"]
        if last and not first:
            raise CommandError(_("Give --from with --to."))
        months = None
        if first:
            start = parse_month(first)
            end = parse_month(last) if last else timezone.localdate().replace(day=1)
            if end < start:
                raise CommandError(_("--to comes before --from."))
            months = month_range(start, end)
        rows = counts_recompute(months=months)
        if months is None:  # and the months each import observed (calls.observed), from its placed calls
            batch_periods_recompute()
        count_rows = ngettext("%(rows)s count row", "%(rows)s count rows", rows) % {"rows": rows}
        if months is None:
            message = _("Every month recomputed: %(count_rows)s.") % {"count_rows": count_rows}
        else:
            message = ngettext(
                "%(months)s month recomputed: %(count_rows)s.",
                "%(months)s months recomputed: %(count_rows)s.",
                len(months),
            ) % {"months": len(months), "count_rows": count_rows}
        self.stdout.write(message)
