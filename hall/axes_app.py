"""django-axes under a name the admin can show in Chinese (the library's app has no verbose name)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class HallAxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in protection")
