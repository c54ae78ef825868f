"""Root URL configuration: the web shell, the admin for national administrators, the API."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("massar.web.urls")),
]
