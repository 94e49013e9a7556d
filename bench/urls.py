"""The project's URLs plus one trivial JSON view: the floor any request pays through the same middleware."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial", trivial, name="bench-trivial"), *project_urlpatterns]
