"""The case clock on the real 2026 calendar: holidays, 调休 weekends, 补正 pauses and extensions, and the light."""

import datetime

import pytest

from centers.workdays import WorkCalendar
from matters.clock import GREEN, RED, YELLOW, case_deadline, days_left, light

D = datetime.date
# The 2026 calendar as the package carries it, with nothing overridden; 2026 confirmed.
CALENDAR = WorkCalendar(overrides={}, confirmed_years=frozenset({2026}))


def test_the_domain_example():
    deadline = case_deadline(CALENDAR, accepted_on=D(2026, 9, 30), limit_days=5)
    assert deadline.due == D(2026, 10, 13) and not deadline.provisional and not deadline.paused


def test_an_instant_case_is_due_the_day_it_is_accepted():
    assert case_deadline(CALENDAR, accepted_on=D(2026, 11, 4), limit_days=0).due == D(2026, 11, 4)


def test_a_correction_pause_counts_the_days_strictly_between_and_resumes_after_resubmission():
    # Accepted Monday 11-02 for 10 working days (due 11-16 without a pause). Corrections requested Thursday 11-05:
    # 11-03 and 11-04 are used, 8 left. Handed in Tuesday 11-10: counting resumes on 11-11 → the 8th is Friday 11-20.
    assert case_deadline(CALENDAR, accepted_on=D(2026, 11, 2), limit_days=10).due == D(2026, 11, 16)
    deadline = case_deadline(
        CALENDAR, accepted_on=D(2026, 11, 2), limit_days=10, corrections=[(D(2026, 11, 5), D(2026, 11, 10))]
    )
    assert deadline.due == D(2026, 11, 20)


def test_a_pause_across_the_holiday_and_a_make_up_saturday():
    # Accepted Thursday 09-24 for 5; 09-25 is Mid-Autumn. Requested Tuesday 09-29: only 09-28 is used, 4 left.
    # Handed in Friday 10-09: 10-10 (make-up Saturday), 10-12, 10-13, 10-14.
    deadline = case_deadline(
        CALENDAR, accepted_on=D(2026, 9, 24), limit_days=5, corrections=[(D(2026, 9, 29), D(2026, 10, 9))]
    )
    assert deadline.due == D(2026, 10, 14)


def test_while_paused_there_is_no_due_date_and_the_days_left_are_kept():
    deadline = case_deadline(CALENDAR, accepted_on=D(2026, 11, 2), limit_days=10, corrections=[(D(2026, 11, 5), None)])
    assert deadline.paused and deadline.due is None and deadline.days_left_at_pause == 8
    assert days_left(CALENDAR, deadline=deadline, today=D(2026, 12, 1)) == 8
    # A paused case waits for the applicant: it never turns red, whatever the date.
    assert light(CALENDAR, deadline=deadline, today=D(2026, 12, 31), yellow_days_left=1) == GREEN


def test_two_pauses():
    # 11-02 + 10. First pause 11-04 → 11-06 (11-03 used: 9 left); second pause 11-11 → 11-12 (11-09, 11-10 used:
    # 7 left) → 11-13, 16, 17, 18, 19, 20, 23.
    deadline = case_deadline(
        CALENDAR,
        accepted_on=D(2026, 11, 2),
        limit_days=10,
        corrections=[(D(2026, 11, 11), D(2026, 11, 12)), (D(2026, 11, 4), D(2026, 11, 6))],
    )
    assert deadline.due == D(2026, 11, 23)


def test_a_deadline_already_passed_when_corrections_were_requested_stays_put():
    deadline = case_deadline(
        CALENDAR, accepted_on=D(2026, 11, 2), limit_days=2, corrections=[(D(2026, 11, 6), D(2026, 11, 9))]
    )
    assert deadline.due == D(2026, 11, 4)


def test_an_extension_adds_working_days():
    deadline = case_deadline(CALENDAR, accepted_on=D(2026, 9, 30), limit_days=5, extension_days=3)
    assert deadline.due == D(2026, 10, 16)


def test_a_deadline_past_the_confirmed_year_is_provisional():
    deadline = case_deadline(CALENDAR, accepted_on=D(2026, 12, 3), limit_days=30)
    assert deadline.due.year == 2027 and deadline.provisional


@pytest.mark.parametrize(
    ("today", "left", "colour"),
    [
        (D(2026, 10, 8), 4, GREEN),  # 10-09, 10-10, 10-12, 10-13
        (D(2026, 10, 9), 3, GREEN),
        (D(2026, 10, 11), 2, GREEN),  # a Sunday: 10-12 and 10-13 are left
        (D(2026, 10, 12), 1, YELLOW),
        (D(2026, 10, 13), 0, YELLOW),  # the due day itself
        (D(2026, 10, 14), -1, RED),
    ],
)
def test_the_light_follows_the_working_days_left(today, left, colour):
    deadline = case_deadline(CALENDAR, accepted_on=D(2026, 9, 30), limit_days=5)
    assert days_left(CALENDAR, deadline=deadline, today=today) == left
    assert light(CALENDAR, deadline=deadline, today=today, yellow_days_left=1) == colour


def test_the_yellow_threshold_is_a_setting():
    deadline = case_deadline(CALENDAR, accepted_on=D(2026, 9, 30), limit_days=5)
    assert light(CALENDAR, deadline=deadline, today=D(2026, 10, 9), yellow_days_left=3) == YELLOW
