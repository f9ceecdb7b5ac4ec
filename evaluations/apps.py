from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Reviews")

    def ready(self):
        from accounts.portal import PortalEntry, register_entry
        from evaluations import receivers

        receivers.connect()

        register_entry(
            PortalEntry(_("My reviews"), _("Rate the service you received."), None, needs_login=True, order=70)
        )
