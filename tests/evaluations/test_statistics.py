"""The figures of reviews on a day's fixture computed by hand: rates with and without default ratings, suspicious
reviews counted apart, an excluded review nowhere, per department and per month, and the big screen's figure."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import StaffMembership, StaffRole
from dashboards.selectors import other_app_figures
from evaluations.selectors import (
    ReviewFigures,
    review_figures,
    review_figures_by,
    reviews_between,
    satisfaction_today,
)
from evaluations.services.appeals import appeal_decide, appeal_file
from evaluations.services.defaults import reviews_apply_defaults
from evaluations.services.rectifications import rectification_call_back, rectification_rectify, rectification_verify
from evaluations.services.reviews import rated_ticket, review_submit
from tests.factories import DepartmentFactory, UserFactory, WindowFactory, clerk_of, ticket_of_day

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.date(2026, 12, 4)


def moment(day: datetime.date, hh_mm: str, seconds: int = 0) -> datetime.datetime:
    at = datetime.datetime.combine(day, datetime.time.fromisoformat(hh_mm), tzinfo=SHANGHAI)
    return at + datetime.timedelta(seconds=seconds)


@pytest.fixture
def day(queue):
    """Friday 4 December at two windows of two departments.

    Window A (市场监管): 5, 4, 3, 1 (rectified and called back), 2 (open).
    Window B (税务): 5, 2 (rectified, not yet called back), a default 3, a 5 given twelve seconds after the call
    (suspicious), a 1 whose appeal was upheld (excluded).
    """
    center = queue.center
    x, y = DepartmentFactory(name="市场监管局"), DepartmentFactory(name="税务局")
    window_a = WindowFactory(center=center, zone=queue.zone, number=1, serves=[queue], department=x)
    window_b = WindowFactory(center=center, zone=queue.zone, number=2, serves=[queue], department=y)
    clerk_a, clerk_b = clerk_of(center, "clerk-a"), clerk_of(center, "clerk-b")
    supervisor, decider = UserFactory(username="sup"), UserFactory(username="decider")
    for user in (supervisor, decider):
        StaffMembership.objects.create(user=user, center=center, role=StaffRole.SUPERVISOR)
    minutes = iter(range(10, 59))

    def rate(window, clerk, level, *, day=FRIDAY, seconds_after_call=None):
        minute = next(minutes)
        ticket = ticket_of_day(
            queue, day, "08:30", called=f"09:{minute}", finished=f"09:{minute}", window=window, clerk=clerk
        )
        at = moment(day, f"09:{minute}", seconds_after_call) if seconds_after_call else moment(day, f"10:{minute}")
        return review_submit(rated=rated_ticket(ticket), channel="evaluator", level=level, at=at)

    for level in (5, 4, 3):
        rate(window_a, clerk_a, level)
    called_back = rate(window_a, clerk_a, 1).rectification
    rate(window_a, clerk_a, 2)
    rectification_verify(rectification=called_back, user=supervisor, finding="核实")
    rectification_rectify(rectification=called_back, user=supervisor, measures="整改")
    rectification_call_back(rectification=called_back, user=supervisor, result="satisfied")

    rate(window_b, clerk_b, 5)
    rectified = rate(window_b, clerk_b, 2).rectification
    rectification_verify(rectification=rectified, user=supervisor, finding="核实")
    rectification_rectify(rectification=rectified, user=supervisor, measures="整改")
    ticket_of_day(
        queue,
        FRIDAY - datetime.timedelta(days=7),
        "08:30",
        called="08:40",
        finished="09:00",
        window=window_b,
        clerk=clerk_b,
    )
    reviews_apply_defaults(now=moment(FRIDAY, "12:00"))
    rate(window_b, clerk_b, 5, seconds_after_call=12)
    excluded = rate(window_b, clerk_b, 1)
    appeal_decide(appeal=appeal_file(review=excluded, user=supervisor, reason="误触"), user=decider, upheld=True)
    return {"center": center, "x": x, "y": y}


def test_the_days_figures_with_and_without_defaults(day):
    with_defaults = review_figures(reviews_between(first=FRIDAY, last=FRIDAY))
    assert with_defaults == ReviewFigures(
        reviews=8, good=5, bad=3, defaults=1, rectified=2, called_back=1, suspicious=1
    )
    assert (with_defaults.good_rate, with_defaults.bad_rate) == (Decimal("62.50"), Decimal("37.50"))
    assert (with_defaults.rectification_rate, with_defaults.callback_rate) == (Decimal("66.67"), Decimal("33.33"))
    without = review_figures(reviews_between(first=FRIDAY, last=FRIDAY, with_defaults=False))
    assert (without.reviews, without.good, without.defaults) == (7, 4, 0)
    assert (without.good_rate, without.bad_rate) == (Decimal("57.14"), Decimal("42.86"))


def test_per_department_and_per_month(day):
    reviews = reviews_between(first=FRIDAY, last=FRIDAY)
    by_department = review_figures_by(reviews, group="department")
    x, y = by_department[(day["x"].pk, None)], by_department[(day["y"].pk, None)]
    assert (x.reviews, x.good_rate, x.rectification_rate, x.callback_rate) == (
        5,
        Decimal("60.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert (y.reviews, y.good_rate, y.rectification_rate, y.callback_rate, y.suspicious) == (
        3,
        Decimal("66.67"),
        Decimal("100.00"),
        Decimal("0.00"),
        1,
    )
    by_month = review_figures_by(reviews, group="center", period="month")
    assert list(by_month) == [(day["center"].pk, datetime.date(2026, 12, 1))]
    assert by_month[(day["center"].pk, datetime.date(2026, 12, 1))].reviews == 8


def test_no_reviews_is_no_rate_not_zero(queue):
    empty = review_figures(reviews_between(first=FRIDAY, last=FRIDAY))
    assert empty == ReviewFigures() and empty.good_rate is None and empty.callback_rate is None
    assert satisfaction_today(center_ids=[queue.center_id], today=FRIDAY) == "—"


def test_the_big_screen_shows_the_days_good_review_rate_without_defaults(day, settings):
    assert satisfaction_today(center_ids=[day["center"].pk], today=FRIDAY) == "57.14%"

    with time_machine.travel(moment(FRIDAY, "18:00"), tick=False):
        assert other_app_figures(center_id=day["center"].pk)["satisfaction_today"] == "57.14%"


def test_a_long_range_reads_the_rectifications_by_a_join_and_counts_the_same(day):
    reviews = reviews_between(first=FRIDAY, last=FRIDAY)
    assert review_figures(reviews, long_range=True) == review_figures(reviews)
    assert review_figures_by(reviews, group="department", long_range=True) == review_figures_by(
        reviews, group="department"
    )
