"""Changing a licence's status (暂扣, 撤销, 注销, 吊销 and back to valid): one row, its history, an event after commit.
Verification, the clerk's view and the case checklist read the status from the row, so the change reaches them
with the next request."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall import parsing
from hall.errors import DomainError
from hall.events import announce
from licenses.events import license_status_changed
from licenses.models import License, LicenseStatus, LicenseStatusChange

# From valid a licence may go anywhere; a suspension may be lifted; the end states stay.
ALLOWED = {
    LicenseStatus.VALID: {
        LicenseStatus.SUSPENDED,
        LicenseStatus.REVOKED,
        LicenseStatus.CANCELLED,
        LicenseStatus.PENALTY_REVOKED,
    },
    LicenseStatus.SUSPENDED: {
        LicenseStatus.VALID,
        LicenseStatus.REVOKED,
        LicenseStatus.CANCELLED,
        LicenseStatus.PENALTY_REVOKED,
    },
}


@transaction.atomic
def license_status_change(*, license: License | int, status: str, reason: str, by=None) -> License:
    """Give the licence `status` for `reason` (required, ≤ 200 characters); refused for a change the rules do not
    allow (a revoked licence stays revoked)."""
    reason = parsing.clean_text(reason, max_length=200, required=True, label=_("Reason"))
    if status not in LicenseStatus.values:
        raise DomainError(_("Unknown status of a licence: %(status)s.") % {"status": str(status)[:20]}, code="status")
    license = License.objects.select_for_update().get(pk=getattr(license, "pk", license))
    if status == license.status:
        raise DomainError(_("The licence already has this status."), code="status_same")
    if status not in ALLOWED.get(license.status, set()):
        raise DomainError(
            _("A licence that is %(old)s cannot become %(new)s.")
            % {"old": license.get_status_display(), "new": LicenseStatus(status).label},
            code="status_transition",
        )
    now = timezone.now()
    LicenseStatusChange.objects.create(
        license=license, old_status=license.status, new_status=status, reason=reason, changed_at=now, changed_by=by
    )
    license.status, license.status_changed_at, license.status_reason = status, now, reason
    license.save(update_fields=["status", "status_changed_at", "status_reason", "updated_at"])
    announce(license_status_changed, license_id=license.pk, status=status)
    return license
