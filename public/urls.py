from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path(_("sectors/"), views.sectors, name="sectors"),
    path(_("sectors/<str:code>/"), views.sector, name="sector"),
    path(_("sectors/<str:code>/calendar.ics"), views.calendar_feed, name="sector-calendar"),
    path(_("events/"), views.events, name="events"),
    path(_("events/calendar.ics"), views.calendar_feed, name="calendar"),
    path(_("team/"), views.team, name="team"),
    path(_("team/<int:pk>/contact.vcf"), views.officer_vcard_download, name="officer-vcard"),
]
