"""The lawful use of licences (用证): the holder sees their own; staff see a citizen's only while serving that
citizen's ticket or case, and always say why. Every use is logged, granted or refused; a refusal's log row is
written before the refusal is raised and outside any transaction of this module, so the refusal keeps it.

Input errors (a missing or 300-character purpose) are not uses: they are refused before anything is written."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CitizenProfile
from accounts.selectors import center_access
from hall import parsing
from hall.errors import NotAllowed
from hall.events import announce
from licenses.events import license_used
from licenses.models import AccessChannel, License, LicenseAccess
from licenses.selectors import licenses_of_holder, usable_license
from licenses.serving import ServedHolder, served_holder

PURPOSE_MAX_LENGTH = 200
Kind = LicenseAccess.Kind


class AccessRefused(NotAllowed):
    default_message = _("You may see a citizen's licences only while serving their ticket or case.")


def purpose_clean(value) -> str:
    return parsing.clean_text(value, max_length=PURPOSE_MAX_LENGTH, required=True, label=_("The purpose of use"))


def _log(*, granted: bool, user, kind: str, channel: str, refusal="", at=None, **fields) -> LicenseAccess:
    access = LicenseAccess.objects.create(
        at=at or timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        granted=granted,
        kind=kind,
        channel=channel,
        refusal=str(refusal)[:200],
        **fields,
    )
    if granted:
        announce(license_used, center_id=access.center_id, department_id=access.department_id)
    return access


def _refuse(message, *, user, kind: str, channel: str, **fields):
    _log(granted=False, user=user, kind=kind, channel=channel, refusal=message, **fields)
    raise AccessRefused(message)


# --- the holder ---------------------------------------------------------------------------------------------------


def citizen_holder_hash(user) -> str:
    """The holder hash of a citizen account: that of its real-name identity number, blank without one."""
    profile = CitizenProfile.objects.filter(user_id=getattr(user, "pk", None)).only("id_number_hash").first()
    return profile.id_number_hash if profile else ""


def licenses_of_citizen(*, user) -> list[License]:
    """The citizen's own licences (the portal's list); logged as a use by the holder."""
    holder_hash = citizen_holder_hash(user)
    licenses = list(licenses_of_holder(holder_hash))
    if licenses:
        _log(
            granted=True,
            user=user,
            kind=Kind.LIST,
            channel=AccessChannel.PORTAL,
            is_holder=True,
            holder_hash=holder_hash,
            purpose=str(_("Viewed by the holder")),
        )
    return licenses


def license_of_citizen(*, user, license_id: int, kind: str = Kind.VIEW) -> License:
    """One of the citizen's own licences, to view or download; anyone else's is refused (and logged)."""
    holder_hash = citizen_holder_hash(user)
    license = License.objects.select_related("license_type").filter(pk=license_id).first()
    if license is None or not holder_hash or license.holder_hash != holder_hash:
        _refuse(
            _("This licence is not yours."),
            user=user,
            kind=kind,
            channel=AccessChannel.PORTAL,
            is_holder=True,
            holder_hash=holder_hash,
        )
    _log(
        granted=True,
        user=user,
        kind=kind,
        channel=AccessChannel.PORTAL,
        is_holder=True,
        holder_hash=holder_hash,
        license=license,
        license_type=license.license_type,
        purpose=str(_("Viewed by the holder")),
    )
    return license


def _home_center(user) -> int | None:
    roles = center_access(user).roles
    return min(roles) if roles else None


# --- staff serving the holder -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffLookup:
    served: ServedHolder
    purpose: str
    licenses: list[License]


def _served_or_refuse(*, user, context_kind: str, context_id: int, purpose: str, kind: str) -> ServedHolder:
    context = {"context_kind": str(context_kind)[:10], "context_id": context_id, "purpose": purpose}
    served = served_holder(context_kind, user=user, context_id=context_id)
    if served is None:
        # Counted at the centre the member of staff works at: the supervisor there sees who tried.
        where = {"center_id": _home_center(user)}
        _refuse(AccessRefused.default_message, user=user, kind=kind, channel=AccessChannel.WINDOW, **context, **where)
    where = {"center_id": served.center_id, "department_id": served.department_id}
    if not served.holder_hash:
        _refuse(
            _("This ticket or case carries no identity number: ask for the citizen's identity card first."),
            user=user,
            kind=kind,
            channel=AccessChannel.WINDOW,
            **context,
            **where,
        )
    return served


def licenses_for_staff(*, user, context_kind: str, context_id: int, purpose: str) -> StaffLookup:
    """The licences of the citizen `user` is serving in that ticket or case, for `purpose`."""
    purpose = purpose_clean(purpose)
    served = _served_or_refuse(
        user=user, context_kind=context_kind, context_id=context_id, purpose=purpose, kind=Kind.LIST
    )
    licenses = list(licenses_of_holder(served.holder_hash))
    _log(
        granted=True,
        user=user,
        kind=Kind.LIST,
        channel=AccessChannel.WINDOW,
        holder_hash=served.holder_hash,
        purpose=purpose,
        context_kind=served.context_kind,
        context_id=served.context_id,
        center_id=served.center_id,
        department_id=served.department_id,
    )
    return StaffLookup(served=served, purpose=purpose, licenses=licenses)


def license_copy_for_staff(*, user, license_id: int, context_kind: str, context_id: int, purpose: str) -> License:
    """One licence of the citizen being served, as a watermarked copy."""
    purpose = purpose_clean(purpose)
    served = _served_or_refuse(
        user=user, context_kind=context_kind, context_id=context_id, purpose=purpose, kind=Kind.VIEW
    )
    where = {
        "context_kind": served.context_kind,
        "context_id": served.context_id,
        "center_id": served.center_id,
        "department_id": served.department_id,
        "purpose": purpose,
        "holder_hash": served.holder_hash,
    }
    license = License.objects.select_related("license_type").filter(pk=license_id).first()
    if license is None or license.holder_hash != served.holder_hash:
        _refuse(
            _("This licence is not one of the citizen's you are serving."),
            user=user,
            kind=Kind.VIEW,
            channel=AccessChannel.WINDOW,
            **where,
        )
    _log(
        granted=True,
        user=user,
        kind=Kind.VIEW,
        channel=AccessChannel.WINDOW,
        license=license,
        license_type=license.license_type,
        **where,
    )
    return license


def license_attach_to_case(
    *,
    user,
    holder_hash: str,
    license_type_id: int,
    case_id: int,
    center_id: int | None,
    department_id: int | None,
    purpose: str,
    at: datetime.datetime | None = None,
) -> License | None:
    """The holder's usable licence of this type, attached by reference to a case being accepted (the case is the
    purpose); None, and nothing logged, when the holder has none. `at`: when the case was accepted (the demo's
    history), now by default."""
    day = timezone.localdate(at) if at else None
    license = usable_license(holder_hash=holder_hash, license_type_id=license_type_id, day=day)
    if license is None:
        return None
    _log(
        granted=True,
        at=at,
        user=user,
        kind=Kind.ATTACH,
        channel=AccessChannel.CASE,
        license=license,
        license_type_id=license_type_id,
        holder_hash=holder_hash,
        purpose=purpose[:PURPOSE_MAX_LENGTH],
        context_kind="case",
        context_id=case_id,
        center_id=center_id,
        department_id=department_id,
    )
    return license


def copy_watermark(license: License, *, day: datetime.date | None = None) -> str:
    """此件由{issuer}提供，仅供办理政务服务事项时使用，有效期至{date}: the copy is good for
    HALL_LICENSE_COPY_VALID_DAYS days, never past the licence's own `valid_to`."""
    day = day or timezone.localdate()
    until = day + datetime.timedelta(days=settings.HALL_LICENSE_COPY_VALID_DAYS)
    if license.valid_to is not None:
        until = min(until, license.valid_to)
    return _("Provided by %(issuer)s for government services only, valid until %(date)s") % {
        "issuer": license.issuer,
        "date": until.strftime("%Y-%m-%d"),
    }
