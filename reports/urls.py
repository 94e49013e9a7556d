"""The reports page, included by config/staff_urls.py under the "staff" namespace."""

from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path("", views.report_list, name="reports"),
    path(_("status/"), views.report_status, name="report-status"),
    path(format_lazy("<int:report_id>/{}", _("again/")), views.report_again, name="report-again"),
    path(format_lazy("<int:report_id>/{}", _("download/")), views.report_download, name="report-download"),
]
