from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "massar.web"
    label = "web"
    verbose_name = _("Web shell")


class MassarAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the national administration as its default site."""

    default = False  # WebConfig is this module's app; this one is named in INSTALLED_APPS
    default_site = "massar.web.admin_site.MassarAdminSite"
