from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from officers.views import officer_photo

admin.site.site_header = _("Proximity — community policing")
admin.site.site_title = _("Proximity")
admin.site.index_title = _("Supervision")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("public.api_urls")),
]

urlpatterns += i18n_patterns(
    # The second step of staff sign-in, before the admin's own URLs (accounts/).
    path("admin/two-factor/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path(_("staff/"), include("config.staff_urls")),
    path("", include("public.urls")),
    prefix_default_language=True,
)

# Uploaded files are served by the app, which decides who may see each (officers' photos: officers.views).
urlpatterns += [
    path(f"{settings.MEDIA_URL.lstrip('/')}officers/photos/<path:name>", officer_photo, name="officer-photo")
]
