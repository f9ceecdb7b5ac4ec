from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = _("Hall platform")

    def ready(self):
        from django.urls import register_converter

        from hall.converters import RowIdConverter

        # Registered here, before any URLconf or websocket routing is imported.
        register_converter(RowIdConverter, "id")
