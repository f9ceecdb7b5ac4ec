"""The e-licences of a citizen's identity (accounts.personal_data): the issuers' records, listed, never erased here."""

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import DataSection, register_section
from licenses.selectors import licenses_of_holder
from licenses.services.access import citizen_holder_hash


def _licences(user) -> list[dict]:
    return [
        {"identifier": lic.identifier, "type": lic.license_type.name, "status": lic.status}
        for lic in licenses_of_holder(citizen_holder_hash(user)).select_related("license_type")
    ]


def register() -> None:
    register_section(
        DataSection(
            "licences",
            _("E-licences in your name"),
            _licences,
            None,
            _(
                "e-licences belong to the registries of the authorities that issued them;"
                " deleting the account leaves them"
            ),
            order=40,
        )
    )
