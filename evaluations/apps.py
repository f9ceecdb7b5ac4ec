from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Reviews")

    def ready(self):
        from evaluations import personal_data

        personal_data.register()
        from accounts.portal import PortalEntry, register_entry
        from evaluations.desk import answers_for_reviews
        from hall.navigation import register_link

        register_link(
            label=_("Bad reviews"),
            url_name="evaluations:rectifications",
            order=17,
            shown_to=answers_for_reviews,
        )

        register_entry(
            PortalEntry(
                _("My reviews"),
                _("Rate the service you received."),
                "evaluations:my_reviews",
                needs_login=True,
                order=70,
            )
        )
