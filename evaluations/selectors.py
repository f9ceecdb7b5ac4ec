"""The figures of reviews: 好评率, 差评率, 差评整改率, 回访率, with and without default ratings, for any set of reviews,
grouped by centre, department, matter, window or clerk, per day or month. Every screen that shows one of these figures
reads it here.

What counts: reviews not excluded by an upheld appeal, and not marked suspicious (those are counted apart, in
`suspicious`, and listed for a supervisor). A rate whose denominator is zero is None: "no reviews", not 0 %."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from centers.workdays import work_calendar
from evaluations.models import BAD_LEVELS, Rectification, Review

GROUPS = {
    "center": "center_id",
    "department": "department_id",
    "matter": "matter_id",
    "window": "window_id",
    "clerk": "clerk_id",
}
DONE = (Rectification.Status.RECTIFIED, Rectification.Status.CALLED_BACK)


@dataclass(frozen=True)
class ReviewFigures:
    reviews: int = 0
    good: int = 0
    bad: int = 0
    defaults: int = 0
    rectified: int = 0
    called_back: int = 0
    suspicious: int = 0  # apart: not in `reviews`

    @property
    def good_rate(self) -> Decimal | None:
        return percent(self.good, self.reviews)

    @property
    def bad_rate(self) -> Decimal | None:
        return percent(self.bad, self.reviews)

    @property
    def rectification_rate(self) -> Decimal | None:
        return percent(self.rectified, self.bad)

    @property
    def callback_rate(self) -> Decimal | None:
        return percent(self.called_back, self.bad)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent, to two decimals (99.99 % is a figure halls publish)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def reviews_between(
    *, first: datetime.date, last: datetime.date, center_ids=None, with_defaults: bool = True
) -> QuerySet[Review]:
    """Every review of the local days `first` to `last` (suspicious ones too: the figures count them apart),
    excluded ones left out."""
    reviews = Review.objects.filter(rated_on__gte=first, rated_on__lte=last, excluded=False)
    if center_ids is not None:
        reviews = reviews.filter(center_id__in=center_ids)
    if not with_defaults:
        reviews = reviews.filter(is_default=False)
    return reviews


# Longer than this, a range's figures read the rectifications by one hash join; shorter, each bad review asks its
# own through the unique index (bench/reviews.py at a million reviews: a month 18 → 7 ms, a year 290 ms by the join
# against 550 ms by the index).
LONG_RANGE_DAYS = 62


def is_long_range(first: datetime.date, last: datetime.date) -> bool:
    return (last - first).days + 1 > LONG_RANGE_DAYS


def _rectification_in(statuses) -> Exists:
    return Exists(Rectification.objects.filter(review_id=OuterRef("pk"), status__in=statuses))


def _counts(*, long_range: bool = False) -> dict:
    counted = Q(is_suspicious=False)
    bad = counted & Q(level__in=BAD_LEVELS)
    called_back = (Rectification.Status.CALLED_BACK,)
    if long_range:
        rectified = bad & Q(rectification__status__in=DONE)
        was_called_back = bad & Q(rectification__status__in=called_back)
    else:
        rectified = bad & Q(_rectification_in(DONE))
        was_called_back = bad & Q(_rectification_in(called_back))
    return {
        "reviews": Count("pk", filter=counted),
        "good": Count("pk", filter=counted & ~Q(level__in=BAD_LEVELS)),
        "bad": Count("pk", filter=bad),
        "defaults": Count("pk", filter=counted & Q(is_default=True)),
        "rectified": Count("pk", filter=rectified),
        "called_back": Count("pk", filter=was_called_back),
        "suspicious": Count("pk", filter=Q(is_suspicious=True)),
    }


def review_figures(reviews: QuerySet[Review], *, long_range: bool = False) -> ReviewFigures:
    """The figures of `reviews` (one query); `long_range` for reviews of more than LONG_RANGE_DAYS."""
    return ReviewFigures(**reviews.aggregate(**_counts(long_range=long_range)))


def review_figures_by(
    reviews: QuerySet[Review], *, group: str, period: str | None = None, long_range: bool = False
) -> dict[tuple, ReviewFigures]:
    """The figures of `reviews` per `group` (a key of GROUPS) and, with `period` "day" or "month", per local day or
    month (the first of the month): {(group id, day or None): figures}, one query."""
    column = GROUPS[group]
    keys = [column]
    if period == "day":
        keys.append("rated_on")
    elif period == "month":
        reviews = reviews.annotate(month=TruncMonth("rated_on"))
        keys.append("month")
    counts = _counts(long_range=long_range)
    rows = reviews.order_by().values(*keys).annotate(**counts)
    figures = {}
    for row in rows:
        day = row.get("rated_on") or row.get("month")
        figures[(row[column], day)] = ReviewFigures(**{name: row[name] for name in counts})
    return figures


def satisfaction_today(*, center_ids, today: datetime.date) -> str:
    """The big screen's 今日满意度: the good-review rate of today's reviews by citizens (no defaults), or a dash
    before the first review of the day."""
    figures = review_figures(reviews_between(first=today, last=today, center_ids=center_ids, with_defaults=False))
    rate = figures.good_rate
    return "—" if rate is None else f"{rate.normalize():f}%"


# --- rectifications ---------------------------------------------------------------------------------------------------

STEP_VERIFY, STEP_RECTIFY, STEP_CALL_BACK = "verify", "rectify", "call_back"


@dataclass(frozen=True)
class OpenItem:
    """An open rectification as its department's head sees it: its next step, that step's deadline, and the working
    days left (0 on the day, negative when overdue)."""

    rectification: Rectification
    step: str
    due: datetime.date
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def next_step(rectification: Rectification) -> tuple[str, datetime.date]:
    """核实 by the callback deadline; 整改, and the 回访 after it, by the rectification deadline."""
    if rectification.status == Rectification.Status.OPEN:
        return STEP_VERIFY, rectification.callback_due
    if rectification.status == Rectification.Status.VERIFIED:
        return STEP_RECTIFY, rectification.rectify_due
    return STEP_CALL_BACK, rectification.rectify_due


def open_rectifications(
    *, today: datetime.date, center_ids=None, department_ids=None, scope: Q | None = None
) -> list[OpenItem]:
    """Every open rectification (in `center_ids`, of `department_ids`, within `scope` when given), the most urgent
    first."""
    rows = Rectification.objects.filter(status__in=Rectification.OPEN_STATUSES).select_related(
        "review__window", "department", "center"
    )
    if center_ids is not None:
        rows = rows.filter(center_id__in=center_ids)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    if scope is not None:
        rows = rows.filter(scope)
    calendar = work_calendar()
    items = []
    for rectification in rows:
        step, due = next_step(rectification)
        items.append(OpenItem(rectification, step, due, calendar.count_until(today, due)))
    return sorted(items, key=lambda item: (item.days_left, item.rectification.opened_at, item.rectification.pk))


def overdue_rectifications(*, today: datetime.date) -> list[OpenItem]:
    """The open rectifications whose next step is past its deadline."""
    return [item for item in open_rectifications(today=today) if item.days_left < 0]


STEP_LABELS = {STEP_VERIFY: _("Verify and contact"), STEP_RECTIFY: _("Rectify"), STEP_CALL_BACK: _("Call back")}
