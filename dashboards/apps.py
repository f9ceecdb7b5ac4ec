from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Live hall")

    def ready(self):
        from dashboards import receivers
        from dashboards.routing import center_display_path, citizen_ticket_page_path
        from dashboards.services import fanout
        from hall import inprocess
        from queueing import links

        # The queue prints and sends these addresses but never names them: they are served here.
        links.register_live_ticket_page(citizen_ticket_page_path)
        links.register_center_feed(center_display_path)
        receivers.connect()  # the queue's events, to the screens and the phones
        if settings.HALL_FANOUT == "inprocess":
            inprocess.register_service("fanout", fanout.run_inprocess)
