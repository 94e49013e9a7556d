"""The staff pages of the call imports, included by config/staff_urls.py under the "staff" namespace."""

from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path("", views.import_list, name="call-imports"),
    path("<int:batch_id>/", views.import_detail, name="call-import"),
    path(
        format_lazy("<int:batch_id>/{}", _("progress/")),
        views.import_progress_json,
        name="call-import-progress",
    ),
    path(format_lazy("<int:batch_id>/{}", _("report/")), views.import_report, name="call-import-report"),
    path(format_lazy("<int:batch_id>/{}", _("retry/")), views.import_retry, name="call-import-retry"),
]
