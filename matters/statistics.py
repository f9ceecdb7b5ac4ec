"""The headline figures of cases (docs/domain.md, "Matters and cases"), one definition for every screen that shows
them: the statistics page, its exports, the API and the big screen.

A period's cases are the ones accepted in it (online applications not yet accepted and those not accepted are not
cases of any period). Of those:

- 办件量 (received): how many were accepted;
- 办结率 (concluded rate): the share concluded (approved or refused, delivered or not) by now;
- 按时办结率 (on-time rate): of the concluded, the share concluded on or before their due day;
- 最多跑一次率 (at most one visit): of the concluded, the share whose applicant came to the hall at most once;
- 网上可办率 (online rate): the share whose matter can be applied for online (online depth III or IV);
- 平均跑动次数 (mean visits): the mean number of visits of the concluded.

Rates are None when their base is 0 (a screen shows "—", never 0 % or 100 % of nothing).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth

from matters.models import Case, CaseMaterial, Matter, OnlineDepth

DIMENSIONS = {
    "center": ("center_id", "center__name"),
    "department": ("department_id", "department__name"),
    "matter": ("matter_id", "matter__name"),
    "clerk": ("accepted_by_id", "accepted_by__first_name"),
}
PERIODS = {"day": TruncDay, "month": TruncMonth}
CONCLUDED = (Case.Status.CONCLUDED, Case.Status.DELIVERED)


@dataclass(frozen=True)
class CaseFigures:
    key: object  # the id of the centre, department, matter, window or clerk (None: the whole selection)
    label: str
    period: datetime.date | None  # the day, or the first day of the month (None: the whole range)
    received: int
    concluded: int
    on_time: int
    at_most_one_visit: int
    online: int
    visits: int  # of the concluded
    e_licensed: int = 0  # materials settled by an e-licence instead of a paper copy (一张证办一揽子事)

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    @property
    def concluded_rate(self) -> float | None:
        return self._share(self.concluded, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return self._share(self.on_time, self.concluded)

    @property
    def one_visit_rate(self) -> float | None:
        return self._share(self.at_most_one_visit, self.concluded)

    @property
    def online_rate(self) -> float | None:
        return self._share(self.online, self.received)

    @property
    def mean_visits(self) -> float | None:
        return round(self.visits / self.concluded, 2) if self.concluded else None


def accepted_between(first: datetime.date, last: datetime.date, cases: QuerySet | None = None) -> QuerySet[Case]:
    """The cases of the period: accepted from `first` to `last`, both included."""
    cases = Case.objects.all() if cases is None else cases
    return cases.filter(accepted_on__gte=first, accepted_on__lte=last)


# Per case, its materials settled by e-licence: a subquery, so that counting them never multiplies the cases.
_E_LICENSED_MATERIALS = (
    CaseMaterial.objects.filter(case=OuterRef("pk"), state=CaseMaterial.State.E_LICENSE)
    .order_by()
    .values("case")
    .annotate(n=Count("id"))
    .values("n")
)


def case_figures(
    cases: QuerySet[Case], *, by: str | None = None, label: str | None = None, period: str | None = None
) -> list[CaseFigures]:
    """The figures of `cases` (a period's cases), grouped by `by` (a key of DIMENSIONS, or the name of a field the
    caller annotated, with `label` naming its label field) and by `period` ("day" or "month")."""
    key_field, label_field = DIMENSIONS.get(by, (by, label)) if by else (None, None)
    concluded = Q(status__in=CONCLUDED)
    groups = [name for name in (key_field, label_field) if name]
    rows = cases
    if period:
        rows = rows.annotate(period=PERIODS[period]("accepted_on"))
        groups.append("period")
    counts = {
        "received": Count("id"),
        "concluded": Count("id", filter=concluded),
        "on_time": Count("id", filter=concluded & Q(on_time=True)),
        "at_most_one_visit": Count("id", filter=concluded & Q(visits__lte=1)),
        "online": Count("id", filter=Q(matter__online_depth__gte=OnlineDepth.III)),
        "visits": Sum(F("visits"), filter=concluded, default=0),
        # Inline, not an annotation summed: Django 5.2 drops such an annotation from the subquery it aggregates.
        "e_licensed": Sum(Coalesce(Subquery(_E_LICENSED_MATERIALS), 0), default=0),
    }
    rows = rows.values(*groups).annotate(**counts).order_by(*groups) if groups else [rows.aggregate(**counts)]
    return [
        CaseFigures(
            key=row.get(key_field) if key_field else None,
            label=str(row.get(label_field) or "") if label_field else "",
            period=_as_date(row.get("period")),
            received=row["received"],
            concluded=row["concluded"],
            on_time=row["on_time"],
            at_most_one_visit=row["at_most_one_visit"],
            online=row["online"],
            visits=row["visits"] or 0,
            e_licensed=row["e_licensed"] or 0,
        )
        for row in rows
    ]


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


@dataclass(frozen=True)
class TodayFigures:
    received: int
    concluded: int
    yellow: int
    red: int


def case_figures_today(*, center_id: int, today: datetime.date) -> TodayFigures:
    """The big screen's figures: cases accepted and concluded today at the centre, and its open cases on yellow and
    on red now."""
    counts = Case.objects.filter(center_id=center_id).aggregate(
        received=Count("id", filter=Q(accepted_on=today)),
        concluded=Count("id", filter=Q(concluded_on=today, status__in=CONCLUDED)),
        yellow=Count("id", filter=Q(status__in=Case.OPEN_STATUSES, light=Case.Light.YELLOW)),
        red=Count("id", filter=Q(status__in=Case.OPEN_STATUSES, light=Case.Light.RED)),
    )
    return TodayFigures(**counts)


@dataclass(frozen=True)
class CatalogueFigures:
    matters: int
    at_most_one_visit: int
    online: int

    @property
    def one_visit_rate(self) -> float | None:
        return CaseFigures._share(self.at_most_one_visit, self.matters)

    @property
    def online_rate(self) -> float | None:
        return CaseFigures._share(self.online, self.matters)


def catalogue_figures() -> CatalogueFigures:
    """The catalogue's own promise: of the active matters, how many need at most one visit and how many can be
    applied for online."""
    counts = Matter.objects.filter(is_active=True).aggregate(
        matters=Count("id"),
        at_most_one_visit=Count("id", filter=Q(visits__lte=1)),
        online=Count("id", filter=Q(online_depth__gte=OnlineDepth.III)),
    )
    return CatalogueFigures(**counts)
