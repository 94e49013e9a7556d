"""The forms of the reports page: which report to generate, and which reports to list."""

from datetime import date

from django import forms
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beats.models import Sector
from calls.observed import observed_months
from common.months import add_months, month_start

from .exporters import FORMATS
from .models import GeneratedReport
from .selectors import Scope

TERRITORY = "territory"


def counted_months() -> list[date]:
    """The months the imports observed (calls.observed), newest first: none before the first observed one,
    none in a gap between imports. One query."""
    return observed_months()[::-1]


def default_month(months: list[date], *, today: date | None = None) -> date | None:
    """Last month when it has counts, else the newest month that has."""
    last_month = add_months(month_start(today or timezone.localdate()), -1)
    return last_month if last_month in months else (months[0] if months else None)


def month_choices(months: list[date]) -> list[tuple[str, str]]:
    return [(month.strftime("%Y-%m"), dateformat.format(month, "F Y")) for month in months]


def scope_choices(*, everything: str | None = None) -> list:
    """Territory, then the municipalities that have active sectors, then every sector (active ones first)."""
    sectors = list(
        Sector.objects.without_geometry()
        .order_by("-is_active", "code")
        .only("code", "name", "is_active", "municipality")
    )
    municipalities = sorted({s.municipality for s in sectors if s.is_active})
    choices = [] if everything is None else [("", everything)]
    choices.append((TERRITORY, _("Whole territory")))
    choices.append((_("Municipalities"), [(f"municipality:{name}", name) for name in municipalities]))
    choices.append(
        (
            _("Sectors"),
            [
                (f"sector:{s.code}", str(s) if s.is_active else _("%(sector)s (inactive)") % {"sector": s})
                for s in sectors
            ],
        )
    )
    return choices


def parse_scope(value: str) -> Scope | None:
    """ "territory", "municipality:<name>" or "sector:<code>" → a Scope (None: not one of these)."""
    if value == TERRITORY:
        return Scope.territory()
    kind, _sep, code = (value or "").partition(":")
    if kind in ("municipality", "sector") and code.strip():
        return Scope(kind, code.strip())
    return None


class ScopeField(forms.CharField):
    """One select, territory / municipality / sector; the value is checked against the database, not only
    against the choices shown (a sector may have gone since the page was drawn)."""

    widget = forms.Select

    def __init__(self, *, everything=None, **kwargs):
        super().__init__(**kwargs)
        self.everything = everything

    def refresh_choices(self):
        self.widget.choices = scope_choices(everything=self.everything)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        scope = parse_scope(value)
        if scope is None:
            raise forms.ValidationError(
                _("Scope: choose the whole territory, a municipality or a sector."), code="invalid"
            )
        if scope.kind == "sector" and not Sector.objects.filter(code=scope.code).exists():
            raise forms.ValidationError(
                _("Scope: there is no sector %(code)s.") % {"code": scope.code}, code="unknown_sector"
            )
        if (
            scope.kind == "municipality"
            and not Sector.objects.active().filter(municipality=scope.code).exists()
        ):
            raise forms.ValidationError(
                _("Scope: the municipality %(name)s has no active sector.") % {"name": scope.code},
                code="unknown_municipality",
            )
        return scope

    def prepare_value(self, value):
        if isinstance(value, Scope):
            return TERRITORY if value.kind == TERRITORY else f"{value.kind}:{value.code}"
        return value


class MonthChoiceField(forms.ChoiceField):
    def to_python(self, value):
        return value or ""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        year, _sep, month = value.partition("-")
        return date(int(year), int(month), 1)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class ReportRequestForm(forms.Form):
    month = MonthChoiceField(
        label=gettext_lazy("Month"),
        error_messages={
            "required": gettext_lazy("Month: choose the month to report on."),
            "invalid_choice": gettext_lazy("Month: there are no call counts for %(value)s."),
        },
    )
    scope = ScopeField(
        label=gettext_lazy("Scope"),
        error_messages={
            "required": gettext_lazy("Scope: choose the whole territory, a municipality or a sector.")
        },
    )
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Formats"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, fmt.label) for code, fmt in FORMATS.items()],
        error_messages={
            "required": gettext_lazy("Formats: choose at least one format."),
            "invalid_choice": gettext_lazy("Formats: %(value)s is not a format of the report."),
        },
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        widget=forms.CheckboxSelectMultiple,
        choices=GeneratedReport.Language.choices,
        error_messages={
            "required": gettext_lazy("Languages: choose at least one language."),
            "invalid_choice": gettext_lazy("Languages: %(value)s is not a language of the report."),
        },
    )

    def __init__(self, *args, months: list[date] | None = None, **kwargs):
        months = counted_months() if months is None else months
        kwargs.setdefault(
            "initial",
            {
                "month": default_month(months),
                "scope": TERRITORY,
                "formats": list(FORMATS),
                "languages": list(GeneratedReport.Language.values),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(months)
        self.fields["scope"].refresh_choices()

    def full_clean(self):
        super().full_clean()
        # A field in error says so to assistive technologies, and points to its message (templates/reports/).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_error"})


class ReportFilterForm(forms.Form):
    """The list's filters (GET; a bad value is ignored, with its error shown)."""

    month = MonthChoiceField(label=gettext_lazy("Month"), required=False)
    scope = ScopeField(label=gettext_lazy("Scope"), required=False)

    def __init__(self, *args, months: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", _("all months")), *month_choices(months)]
        self.fields["scope"].everything = _("all scopes")
        self.fields["scope"].refresh_choices()
