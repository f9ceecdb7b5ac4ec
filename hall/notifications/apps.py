from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hall.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import services, tasks

        services.register_delivery(tasks.deliver.delay)
