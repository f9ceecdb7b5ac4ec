from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = _("Matters and cases")

    def ready(self):
        from matters import personal_data

        personal_data.register()
        from accounts.portal import PortalEntry, register_entry
        from hall.navigation import register_link
        from licenses.serving import register_serving_context
        from matters import receivers  # noqa: F401  (connects the calendar receiver)
        from matters.selectors import case_served

        register_serving_context("case", case_served)

        register_entry(
            PortalEntry(
                _("Service guides"),
                _("What to bring and how long it takes, for every matter."),
                "matters:guide",
                order=10,
            )
        )
        register_entry(
            PortalEntry(
                _("My cases"), _("Where your applications stand."), "matters:my_cases", needs_login=True, order=50
            )
        )
        register_link(
            label=_("Cases"), url_name="matters:case_desk", order=15, shown_to=lambda user: user.is_authenticated
        )
