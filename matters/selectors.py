"""Reads of the catalogue and of cases that more than one screen needs: the guide's search, a bundle's one list of
materials, whose cases a user sees, and the time a case has left."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.selectors import center_access
from centers.workdays import WorkCalendar
from licenses.selectors import license_cards_by_identifier, usable_types
from licenses.serving import ServedHolder
from matters import clock
from matters.models import Bundle, Case, Material, Matter

_LATIN = re.compile(r"[a-z0-9]+")
MAX_QUERY_LENGTH = 50


# --- the guide ------------------------------------------------------------------------------------------------------


def active_matters() -> QuerySet[Matter]:
    return Matter.objects.filter(is_active=True).select_related("department")


def matter_search(query: str, *, department_id: int | None = None, theme_id: int | None = None) -> QuerySet[Matter]:
    """Active matters whose name contains `query`, or whose pinyin starts with it or has it as initials
    (`bdc`, `budongchan` and `不动产` all find 不动产登记). An empty query lists them all."""
    matters = active_matters()
    if department_id is not None:
        matters = matters.filter(department_id=department_id)
    if theme_id is not None:
        matters = matters.filter(themes__id=theme_id)
    text = unicodedata.normalize("NFKC", query or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return matters.order_by("department__code", "name")
    latin = "".join(_LATIN.findall(text.lower()))
    condition = Q(name__icontains=text) | Q(basic_code=text.upper())
    if latin and latin == text.lower().replace(" ", ""):
        condition |= Q(pinyin_initials__contains=latin) | Q(pinyin_full__contains=latin)
    return matters.filter(condition).distinct().order_by("name")


@dataclass
class BundleMaterial:
    """One material of a bundle, asked for once however many of its matters need it."""

    name: str
    is_required: bool
    condition: str
    license_type_id: int | None
    materials: list[Material] = field(default_factory=list)
    matter_names: list[str] = field(default_factory=list)


def _material_key(material: Material) -> tuple:
    if material.license_type_id is not None:
        return ("licence", material.license_type_id)
    return ("name", re.sub(r"\s+", "", unicodedata.normalize("NFKC", material.name)))


def bundle_materials(bundle: Bundle) -> list[BundleMaterial]:
    """The bundle's materials de-duplicated: the same licence type, or the same name, once; required when any of
    its matters requires it, in the order they first appear."""
    merged: dict[tuple, BundleMaterial] = {}
    items = bundle.items.select_related("matter").order_by("sort_order", "id")
    for item in items:
        for material in item.matter.materials.select_related("license_type").order_by("sort_order", "id"):
            key = _material_key(material)
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = BundleMaterial(
                    material.name, material.is_required, material.condition, material.license_type_id
                )
            elif material.is_required and not entry.is_required:
                entry.is_required, entry.condition = True, ""
            entry.materials.append(material)
            if item.matter.name not in entry.matter_names:
                entry.matter_names.append(item.matter.name)
    return list(merged.values())


# --- cases ----------------------------------------------------------------------------------------------------------


def cases_seen_by(user) -> QuerySet[Case]:
    """Cases a member of staff may see: a supervisor the centre's, a department head the department's, a clerk
    the ones they accepted or concluded and the online applications waiting at the centres they staff."""
    access = center_access(user)
    cases = Case.objects.select_related("matter", "center", "department")
    if access.everywhere:
        return cases
    condition = Q(center_id__in=access.supervised) | Q(accepted_by=user) | Q(concluded_by=user)
    condition |= Q(status=Case.Status.SUBMITTED, center_id__in=access.staffed_ids or set())
    for center_id, departments in access.departments.items():
        condition |= Q(center_id=center_id, department_id__in=departments)
    return cases.filter(condition)


def open_cases_of_clerk(user) -> QuerySet[Case]:
    return cases_seen_by(user).filter(accepted_by=user, status__in=Case.OPEN_STATUSES).order_by("due_on", "number")


def open_cases_of_departments(user) -> QuerySet[Case]:
    """The open cases of the departments `user` heads, soonest due first (paused ones last)."""
    access = center_access(user)
    condition = Q(pk__in=[])
    for center_id, departments in access.departments.items():
        condition |= Q(center_id=center_id, department_id__in=departments)
    return (
        Case.objects.filter(condition, status__in=Case.OPEN_STATUSES)
        .select_related("matter", "center")
        .order_by("due_on", "number")
    )


def cases_of_citizen(user) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(citizen=user).select_related("matter", "center").order_by("-submitted_at")


@dataclass(frozen=True)
class TimeLeft:
    days: int | None  # working days left after today (negative: overdue); None before acceptance or once concluded
    paused: bool
    provisional: bool

    @property
    def overdue_days(self) -> int:
        return -self.days if self.days is not None and self.days < 0 and not self.paused else 0


def case_time_left(case: Case, calendar: WorkCalendar, *, today: datetime.date | None = None) -> TimeLeft:
    """What every screen shows as the time a case has left, from the deadline stored on it."""
    if not case.is_open:
        return TimeLeft(None, False, False)
    if case.status == Case.Status.CORRECTION:
        return TimeLeft(case.days_left_when_paused, True, False)
    deadline = clock.Deadline(due=case.due_on, provisional=case.due_provisional)
    days = clock.days_left(calendar, deadline=deadline, today=today or timezone.localdate())
    return TimeLeft(days, False, case.due_provisional)


def case_in_hand(user, case_id: int) -> Case | None:
    """The case, when `user` is handling it now: an open case they accepted, an online application waiting at a
    centre whose windows they staff, or a case of the department they head there. Seeing a case (a supervisor sees
    the whole centre's) is not handling it: this is the rule before a citizen's licences are shown to staff."""
    case = (
        Case.objects.filter(
            pk=case_id, status__in=(Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.CORRECTION)
        )
        .select_related("center")
        .first()
    )
    if case is None or not getattr(user, "is_authenticated", False):
        return None
    access = center_access(user)
    if case.accepted_by_id == user.pk or access.heads(case.center_id, case.department_id):
        return case
    if case.status == Case.Status.SUBMITTED and access.staffs(case.center_id):
        return case
    return None


def case_served(user, case_id: int):
    """The applicant of the case `user` has in hand, as the licence registry asks for it (or None)."""
    case = case_in_hand(user, case_id)
    if case is None:
        return None
    return ServedHolder(
        holder_hash=case.applicant_id_hash,
        context_kind="case",
        context_id=case.pk,
        center_id=case.center_id,
        department_id=case.department_id,
        label=case.number,
    )


def materials_settled_by_e_licence(matter: Matter, *, holder_hash: str) -> dict[int, bool]:
    """For each material of `matter` that an e-licence can replace: whether the applicant holds a valid one of its
    type today (the checklist shows "available as e-licence" and needs no paper copy). One query for the lot."""
    usable = usable_types(holder_hash=holder_hash)
    return {m.pk: m.license_type_id in usable for m in matter.materials.all() if m.license_type_id}


def case_materials_with_licences(case: Case) -> list[tuple]:
    """The checklist of a case, each line with the card of the licence that settled it (None for paper), read now:
    a licence suspended or revoked since shows so on the case at once."""
    lines = list(case.materials.all())
    cards = license_cards_by_identifier([line.license_reference for line in lines])
    return [(line, cards.get(line.license_reference)) for line in lines]
