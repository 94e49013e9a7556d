"""The staff pages outside the admin, one namespace ("staff") for all apps."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from beats import views as beats_views
from officers import views as officers_views

app_name = "staff"

urlpatterns = [
    path(_("territory/"), beats_views.territory, name="territory"),
    path(_("coverage/"), officers_views.coverage_board, name="coverage"),
    path(_("imports/"), include("calls.urls")),
    path(_("call-trends/"), include("calls.analysis_urls")),
    path(_("contacts/"), include("contacts.urls")),
    path(_("reports/"), include("reports.urls")),
]
