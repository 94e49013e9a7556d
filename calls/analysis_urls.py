"""The analysts' view of call deltas, included by config/staff_urls.py under the "staff" namespace."""

from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import analysis_views as views

urlpatterns = [
    path("", views.call_analysis, name="call-analysis"),
    path(_("calls.csv"), views.call_analysis_csv, name="call-analysis-csv"),
    path(
        format_lazy("{}<str:code>/", _("sectors/")), views.call_analysis_sector, name="call-analysis-sector"
    ),
    path(
        format_lazy("{}<str:code>/{}", _("sectors/"), _("months.csv")),
        views.call_analysis_sector_csv,
        name="call-analysis-sector-csv",
    ),
]
