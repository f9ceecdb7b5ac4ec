"""The case clock (docs/domain.md, "Matters and cases"): a deadline in working days after acceptance, paused by
corrections (补正), lengthened by approved extensions (延期), and the supervision light it gives on a day.

Pure arithmetic over a `WorkCalendar`: the services store its answers on the case, screens read them there.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from centers.workdays import WorkCalendar

GREEN, YELLOW, RED = "green", "yellow", "red"


@dataclass(frozen=True)
class Deadline:
    due: datetime.date | None  # None while a correction is pending: the clock stands still
    provisional: bool  # the due date lies past the last confirmed year of the calendar
    days_left_at_pause: int | None = None  # while paused: the working days still to run after resubmission

    @property
    def paused(self) -> bool:
        return self.due is None


def case_deadline(
    calendar: WorkCalendar,
    *,
    accepted_on: datetime.date,
    limit_days: int,
    extension_days: int = 0,
    corrections: Sequence[tuple[datetime.date, datetime.date | None]] = (),
) -> Deadline:
    """The due date: the (limit + extensions)-th working day after acceptance. Each correction, requested on day R
    and handed in on day S: the working days strictly between the clock's start and R are used, and the clock
    starts again from S with the days left. A deadline that had already passed when a correction was requested
    stays where it was (the case was overdue before it paused)."""
    start, left = accepted_on, limit_days + extension_days
    for requested_on, resubmitted_on in sorted(corrections, key=lambda c: c[0]):
        used = calendar.count_between(start, requested_on)
        if used >= left:
            break
        left -= used
        if resubmitted_on is None:
            return Deadline(due=None, provisional=False, days_left_at_pause=left)
        start = resubmitted_on
    due = calendar.add(start, left)
    return Deadline(due=due, provisional=calendar.is_provisional(due))


def days_left(calendar: WorkCalendar, *, deadline: Deadline, today: datetime.date) -> int:
    """Working days left after today up to the due day (0 on it, negative when overdue); while paused, the days
    that will run after resubmission."""
    if deadline.due is None:
        return deadline.days_left_at_pause or 0
    return calendar.count_until(today, deadline.due)


def light(calendar: WorkCalendar, *, deadline: Deadline, today: datetime.date, yellow_days_left: int) -> str:
    """Green; yellow when `yellow_days_left` working days or fewer are left; red once the due day has passed.
    A paused case keeps the colour of the days it has left and never turns red while it waits for the applicant."""
    if deadline.due is not None and today > deadline.due:
        return RED
    return YELLOW if days_left(calendar, deadline=deadline, today=today) <= yellow_days_left else GREEN
