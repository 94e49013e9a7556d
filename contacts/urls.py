"""The staff pages of contacts, included by config/staff_urls.py under the "staff" namespace."""

from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path("", views.contact_list, name="contacts"),
    path(_("new/"), views.contact_new, name="contact-new"),
    path(_("team/"), views.contact_team, name="contacts-team"),
    path(_("statistics/"), views.contact_statistics_page, name="contact-statistics"),
    path(_("statistics.csv"), views.contact_statistics_csv, name="contact-statistics-csv"),
    path("<int:pk>/", views.contact_detail, name="contact"),
    path(format_lazy("<int:pk>/{}", _("edit/")), views.contact_edit, name="contact-edit"),
    path(
        format_lazy("<int:pk>/{}", _("follow-up-done/")), views.follow_up_done, name="contact-follow-up-done"
    ),
    path(
        format_lazy("<int:pk>/{}<int:referral_pk>/", _("referrals/")),
        views.referral_update,
        name="contact-referral",
    ),
]
