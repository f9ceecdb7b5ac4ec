from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People")

    def ready(self):
        from accounts import receivers  # noqa: F401  (audit of sign-ins)
        from accounts.portal import PortalEntry, register_entry

        register_entry(
            PortalEntry(_("Real-name profile"), _("Your name and identity card number."), "accounts:profile", True, 80)
        )
        register_entry(PortalEntry(_("My companies"), _("Companies you act for."), "accounts:companies", True, 90))
