from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Live hall")

    def ready(self):
        from dashboards import receivers  # noqa: F401  (connects the queueing events to the screens)
