from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("E-licences")

    def ready(self):
        from licenses import personal_data

        personal_data.register()
        from accounts.portal import PortalEntry, register_entry
        from licenses import tasks
        from licenses.services.imports import register_import_runner

        register_import_runner(tasks.run_import.delay)

        register_entry(
            PortalEntry(
                _("My licences"),
                _("Your electronic licences and certificates."),
                "licenses:mine",
                needs_login=True,
                order=60,
            )
        )
