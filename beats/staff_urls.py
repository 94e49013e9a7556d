from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "staff"

urlpatterns = [
    path(_("territory/"), views.territory, name="territory"),
]
