"""The cases of a citizen's account (accounts.personal_data): government records the archive rules keep."""

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import DataSection, register_section
from matters.models import Case


def _cases(user) -> list[dict]:
    rows = Case.objects.filter(citizen=user).select_related("matter").order_by("submitted_at")
    return [
        {
            "number": c.number,
            "matter": c.matter.name,
            "status": c.status,
            "submitted": c.submitted_at.isoformat(),
            "applicant": c.applicant_name,
        }
        for c in rows
    ]


def _unlink(user) -> None:
    Case.objects.filter(citizen=user).update(citizen=None)


def register() -> None:
    register_section(
        DataSection(
            "cases",
            _("Cases"),
            _cases,
            _unlink,
            _(
                "cases are government records: kept with the applicant's name and identity number for the period the"
                " archive rules set, no longer linked to an account"
            ),
            order=30,
        )
    )
