from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolingConfig(AppConfig):
    name = "massar.schooling"
    label = "schooling"
    verbose_name = _("School organisation")
