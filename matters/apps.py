from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = _("Matters and cases")

    def ready(self):
        from accounts.portal import PortalEntry, register_entry
        from matters import receivers  # noqa: F401  (connects the calendar receiver)

        # Not open yet: the portal shows them as coming.
        register_entry(
            PortalEntry(
                _("Service guides"), _("What to bring and how long it takes, for every matter."), None, order=10
            )
        )
        register_entry(
            PortalEntry(_("My cases"), _("Where your applications stand."), None, needs_login=True, order=50)
        )
