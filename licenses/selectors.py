"""Reads of the registry that more than one caller needs: a holder's licences, the state of a licence on a day, the
valid licence of a type that settles a material, and the figures of use (调用量)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.prepared import Prepared
from licenses.holders import holder_code_masked, holder_name_masked
from licenses.models import EXPIRED, EXPIRED_LABEL, License, LicenseAccess, LicenseStatus


def today() -> datetime.date:
    return timezone.localdate()


def state_label(state: str):
    return EXPIRED_LABEL if state == EXPIRED else LicenseStatus(state).label


def licenses_of_holder(holder_hash: str) -> QuerySet[License]:
    """Every licence of the holder, newest first (one index range: `license_holder_type`)."""
    if not holder_hash:
        return License.objects.none()
    return (
        License.objects.filter(holder_hash=holder_hash)
        .select_related("license_type")
        .order_by("license_type__code", "-valid_from", "-id")
    )


def usable_on(day: datetime.date) -> Q:
    """Valid on `day`: status valid, begun, not past `valid_to`."""
    return Q(status=LicenseStatus.VALID, valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def usable_license(*, holder_hash: str, license_type_id: int, day: datetime.date | None = None) -> License | None:
    """The holder's licence of this type that can settle a material on `day` (the latest one), or None."""
    if not holder_hash:
        return None
    return (
        License.objects.filter(usable_on(day or today()), holder_hash=holder_hash, license_type_id=license_type_id)
        .select_related("license_type")
        .order_by("-valid_from", "-id")
        .first()
    )


def usable_types(*, holder_hash: str, day: datetime.date | None = None) -> set[int]:
    """The licence types the holder holds a usable licence of: one query for a whole checklist."""
    if not holder_hash:
        return set()
    rows = License.objects.filter(usable_on(day or today()), holder_hash=holder_hash).values_list("license_type_id")
    return {type_id for (type_id,) in rows}


# Every public verification reads one licence by identifier: compiled once per process (hall.prepared).
_BY_IDENTIFIER = Prepared(
    lambda identifier: License.objects.select_related("license_type").filter(identifier=identifier)[:1],
    identifier=str,
)


def license_by_identifier(identifier: str) -> License | None:
    return _BY_IDENTIFIER.first(identifier=identifier)


@dataclass(frozen=True)
class LicenseCard:
    """A licence as screens show it: masked holder, state of today."""

    license: License
    state: str
    state_label: str
    holder_name: str
    holder_code: str

    @property
    def usable(self) -> bool:
        return self.state == LicenseStatus.VALID


def license_card(license: License, *, day: datetime.date | None = None, masked: bool = True) -> LicenseCard:
    state = license.state_on(day or today())
    code = license.holder_code
    return LicenseCard(
        license=license,
        state=state,
        state_label=state_label(state),
        holder_name=holder_name_masked(license.holder_name) if masked else license.holder_name,
        holder_code=holder_code_masked(license.holder_code_type, code) if masked else code,
    )


# --- 调用量 ------------------------------------------------------------------------------------------------------


def uses_between(
    *, first: datetime.date, last: datetime.date, center_ids=None, department_id=None, granted: bool = True
) -> QuerySet[LicenseAccess]:
    """Uses of licences (granted, or refused) between two local days, optionally at some centres, of a department."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    uses = LicenseAccess.objects.filter(granted=granted, at__gte=start, at__lt=end)
    if center_ids is not None:
        uses = uses.filter(center_id__in=center_ids)
    if department_id is not None:
        uses = uses.filter(department_id=department_id)
    return uses


def uses_today(*, center_ids=None) -> int:
    """今日用证次数: the big screen and the statistics page count the same rows."""
    day = today()
    return uses_between(first=day, last=day, center_ids=center_ids).count()


@dataclass(frozen=True)
class UseFigures:
    total: int
    refused: int
    by_day: list[tuple[datetime.date, int]]
    by_type: list[tuple[str, int]]
    by_department: list[tuple[str, int]]


def use_figures(*, first: datetime.date, last: datetime.date, center_ids=None, department_id=None) -> UseFigures:
    """调用量: the granted uses per day, per licence type and per department, and the refusals, in one place for the
    statistics page and its exports."""
    scope = {"first": first, "last": last, "center_ids": center_ids, "department_id": department_id}
    uses = uses_between(**scope)
    zone = timezone.get_current_timezone()
    by_day = uses.annotate(day=TruncDate("at", tzinfo=zone)).values("day").annotate(n=Count("id")).order_by("day")
    by_type = uses.values("license_type__name").annotate(n=Count("id")).order_by("-n", "license_type__name")
    by_department = uses.values("department__name").annotate(n=Count("id")).order_by("-n", "department__name")
    return UseFigures(
        total=uses.count(),
        refused=uses_between(**scope, granted=False).count(),
        by_day=[(row["day"], row["n"]) for row in by_day],
        by_type=[
            (row["license_type__name"] or str(_("All of a holder's licences (look-ups)")), row["n"]) for row in by_type
        ],
        by_department=[(row["department__name"] or str(_("No department")), row["n"]) for row in by_department],
    )


def license_cards_by_identifier(identifiers: list[str], *, day: datetime.date | None = None) -> dict[str, LicenseCard]:
    """The licences of these identifiers as of now (one query): a case shows what became of the licences it was
    accepted with."""
    found = License.objects.filter(identifier__in=[i for i in identifiers if i]).select_related("license_type")
    return {license.identifier: license_card(license, day=day) for license in found}
