"""The second step of staff sign-in (config/urls.py mounts it under admin/, beside the admin's login)."""

from django.urls import path

from . import views

app_name = "two_factor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("setup/", views.enrol, name="enrol"),
]
