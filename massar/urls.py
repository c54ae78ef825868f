"""Root URL configuration: the web shell, the admin for national administrators, the API."""

from django.contrib import admin
from django.urls import include, path

from massar.web.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("massar.web.urls")),
]
