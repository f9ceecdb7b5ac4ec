"""The figures of reviews as the report pages show them: per period, per department, matter, window, clerk or centre
with their names, and the month's bad reviews with where their rectification stands. Counted by
evaluations.selectors, the one place the figures are computed."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from centers.models import Center, Department
from evaluations.models import BAD_LEVELS, Review
from evaluations.selectors import ReviewFigures, review_figures, review_figures_by
from matters.models import Matter
from queueing.models import Window


@dataclass(frozen=True)
class ReportRow:
    key: object  # the group's id, or the period's first day
    label: str
    figures: ReviewFigures


def _names(group: str, ids: set) -> dict:
    ids = {pk for pk in ids if pk is not None}
    if group == "department":
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "matter":
        return dict(Matter.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "center":
        return dict(Center.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "window":
        return {window.pk: str(window) for window in Window.objects.filter(pk__in=ids)}
    clerks = get_user_model().objects.filter(pk__in=ids).only("pk", "username", "first_name", "last_name")
    return {user.pk: user.display_name for user in clerks}  # never the photos


def rows_by_group(reviews: QuerySet[Review], *, group: str, long_range: bool = False) -> list[ReportRow]:
    """One row per department, matter, window, clerk or centre of `reviews`, the most reviewed first."""
    figures = review_figures_by(reviews, group=group, long_range=long_range)
    names = _names(group, {key for key, _day in figures})
    rows = [ReportRow(key, names.get(key) or _("(none)"), f) for (key, _day), f in figures.items()]
    return sorted(rows, key=lambda row: (-row.figures.reviews, row.label))


def rows_by_period(reviews: QuerySet[Review], *, period: str, long_range: bool = False) -> list[ReportRow]:
    """One row per local day or month, in order."""
    figures = review_figures_by(reviews, group="center", period=period, long_range=long_range)
    merged: dict[datetime.date, ReviewFigures] = {}
    for (_center, day), f in figures.items():
        merged[day] = _add(merged[day], f) if day in merged else f
    label = "%Y-%m-%d" if period == "day" else "%Y-%m"
    return [ReportRow(day, day.strftime(label), merged[day]) for day in sorted(merged)]


def _add(a: ReviewFigures, b: ReviewFigures) -> ReviewFigures:
    return ReviewFigures(**{name: getattr(a, name) + getattr(b, name) for name in ReviewFigures.__dataclass_fields__})


def total(reviews: QuerySet[Review], *, long_range: bool = False) -> ReviewFigures:
    return review_figures(reviews, long_range=long_range)


def bad_reviews_with_status(reviews: QuerySet[Review], *, limit: int = 500) -> list[Review]:
    """The bad reviews of `reviews` (suspicious ones apart) with their rectification, newest first: what a public
    results page lists (no comment, no name: the date, the department, the matter and where the rectification is)."""
    return list(
        reviews.filter(level__in=BAD_LEVELS, is_suspicious=False)
        .select_related("department", "matter", "rectification")
        .order_by("-rated_at")[:limit]
    )
