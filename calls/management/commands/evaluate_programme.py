import json

from django.core.management.base import CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.evaluation import EvaluationError, evaluate_programme
from calls.evaluation.export import evaluation_as_dict
from calls.evaluation.selectors import evaluation_panel
from calls.models import CallCategory, Urgency
from common.commands import Command as ProjectCommand
from common.commands import parse_month


def _codes(value: str | None) -> list[str] | None:
    return None if value is None else [code for code in value.split(",") if code.strip()]


def _number(value: float, digits: int = 3) -> str:
    """A figure as the active language writes it (0,812 in French), rounded (number_format only cuts)."""
    return number_format(round(value, digits), decimal_pos=digits)


def _p_value(value: float) -> str:
    """ "= 0,012", or "< 0,001" for a p-value that rounds to nothing."""
    return "< " + _number(0.001) if value < 0.001 else "= " + _number(value)


def _percent(ratio: float) -> str:
    change = (ratio - 1) * 100
    return ("+" if change > 0 else "") + _number(change, 1) + "\u00a0%"


class Command(ProjectCommand):
    help = gettext_lazy(
        "Evaluate the programme: the effect on 911 calls of the programme sectors against comparison sectors "
        "(a count model over observed months, staggered starts handled), its event study, displacement "
        "check and per-sector effects. docs/statistics.md explains the figures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--outcome",
            default="all",
            help=gettext_lazy("all, urgent, non_urgent or a call category's slug (default: all)"),
        )
        parser.add_argument(
            "--treated", help=gettext_lazy("programme sectors, codes separated by commas (default: all)")
        )
        parser.add_argument(
            "--comparison",
            help=gettext_lazy("comparison sectors, codes separated by commas (default: all never in it)"),
        )
        parser.add_argument(
            "--exclude-neighbours",
            action="store_true",
            help=gettext_lazy("leave out comparison sectors that border a programme sector"),
        )
        parser.add_argument("--from", dest="first", help=gettext_lazy("first month, YYYY-MM"))
        parser.add_argument("--to", dest="last", help=gettext_lazy("last month, YYYY-MM"))
        parser.add_argument("--json", action="store_true", help=gettext_lazy("print one JSON object"))

    def handle(self, *args, **options):
        outcome = options["outcome"]
        urgency, category = None, None
        if outcome in (Urgency.URGENT, Urgency.NON_URGENT):
            urgency = outcome
        elif outcome != "all":
            category = CallCategory.objects.filter(slug=outcome).first()
            if category is None:
                raise CommandError(
                    _("“%(outcome)s” is neither all, urgent, non_urgent nor a call category.")
                    % {"outcome": outcome}
                )
        first = parse_month(options["first"]) if options["first"] else None
        last = parse_month(options["last"]) if options["last"] else None
        if first and last and last < first:
            raise CommandError(_("--to comes before --from."))
        try:
            panel = evaluation_panel(
                urgency=urgency,
                category=category,
                treated=_codes(options["treated"]),
                comparison=_codes(options["comparison"]),
                first=first,
                last=last,
            )
            evaluation = evaluate_programme(panel, exclude_neighbours=options["exclude_neighbours"])
        except EvaluationError as error:
            raise CommandError(str(error)) from None
        figures = evaluation_as_dict(evaluation)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._table(figures))

    def _table(self, figures: dict) -> str:
        lines = [
            _("Method: %(method)s") % {"method": figures["method"]},
            _("Effect: rate ratio %(ratio)s (%(change)s), 95 %% interval %(low)s to %(high)s, p %(p)s")
            % {
                "ratio": _number(figures["effect"]),
                "change": _percent(figures["effect"]),
                "low": _number(figures["ci_low"]),
                "high": _number(figures["ci_high"]),
                "p": _p_value(figures["p_value"]),
            },
            _("Programme sectors: %(codes)s") % {"codes": ", ".join(figures["treated"])},
            _("Comparison sectors: %(codes)s") % {"codes": ", ".join(figures["comparison"])},
            _("Months: %(first)s to %(last)s")
            % {"first": figures["months"][0], "last": figures["months"][1]},
            "",
            _("Month from the start | ratio | 95 %% interval") % {},
        ]
        for point in figures["event_study"]:
            lines.append(
                f"{point['relative_month']:+4d} | {_number(point['ratio'])} | "
                f"{_number(point['ci_low'])} – {_number(point['ci_high'])}"
            )
        displacement = figures["displacement"]
        lines.append("")
        if displacement is None:
            lines.append(_("Displacement: not computed for these sectors and months."))
        else:
            lines.append(
                _("Displacement (weighted displacement difference): %(wdd)s calls, z = %(z)s, p %(p)s")
                % {
                    "wdd": _number(displacement["wdd"], 1),
                    "z": _number(displacement["z"], 2),
                    "p": _p_value(displacement["p_value"]),
                }
            )
        lines += ["", _("Sector | ratio | 95 %% interval") % {}]
        for sector in figures["per_sector"]:
            lines.append(
                f"{sector['code']} | {_number(sector['ratio'])} | "
                f"{_number(sector['ci_low'])} – {_number(sector['ci_high'])}"
            )
        if figures["warnings"]:
            lines += ["", _("Warnings:"), *(f"- {warning}" for warning in figures["warnings"])]
        return "\n".join(lines)
