"""The working-day calendar every deadline is counted on: Monday to Friday, minus the statutory holidays, plus the
make-up working days (调休), as the `holidays` package knows them and as the override table corrects them.

One `WorkCalendar` is read from the database per use (two small tables); callers that count many deadlines read it
once and pass it along.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

from centers.models import CalendarYear, WorkdayOverride
from hall.parsing import MAX_WORKING_DAYS

LAST_YEAR = 2099


@lru_cache(maxsize=128)
def _package_year(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def package_is_working_day(day: datetime.date) -> bool:
    """The `holidays` package's answer alone (its make-up working days included where it knows them)."""
    return _package_year(day.year).is_working_day(day)


@dataclass(frozen=True)
class WorkCalendar:
    overrides: dict[datetime.date, bool]
    confirmed_years: frozenset[int]

    @property
    def confirmed_through(self) -> int | None:
        """The last confirmed year (None: none is)."""
        return max(self.confirmed_years) if self.confirmed_years else None

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return package_is_working_day(day)

    def is_provisional(self, day: datetime.date) -> bool:
        """True when `day` lies past the last confirmed year, where the package only guesses."""
        return self.confirmed_through is None or day.year > self.confirmed_through

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (`start` itself never counts; 0 gives `start`)."""
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise ValueError(f"{days} working days is out of range")
        day = start
        while days:
            day += datetime.timedelta(days=1)
            if day.year > LAST_YEAR:
                raise ValueError("the deadline falls after the calendar's last year")
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """The working days from `first` to `last`, both included."""
        span = (last - first).days
        days = (first + datetime.timedelta(days=n) for n in range(span + 1))
        return [day for day in days if self.is_working_day(day)]

    def count_between(self, after: datetime.date, before: datetime.date) -> int:
        """How many working days lie strictly between `after` and `before`."""
        if before <= after + datetime.timedelta(days=1):
            return 0
        return len(self.working_days(after + datetime.timedelta(days=1), before - datetime.timedelta(days=1)))

    def count_until(self, today: datetime.date, due: datetime.date) -> int:
        """Working days left after `today` up to and including `due` (0 on the due day; negative when overdue:
        minus the working days since `due`, today included)."""
        if due >= today:
            return len(self.working_days(today + datetime.timedelta(days=1), due))
        return -len(self.working_days(due + datetime.timedelta(days=1), today))


def work_calendar() -> WorkCalendar:
    """The calendar as the database has it now."""
    return WorkCalendar(
        overrides=dict(WorkdayOverride.objects.values_list("day", "is_working_day")),
        confirmed_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is a working day: one indexed read of its override, else the package's answer. For the checks
    made on every request (may a queue give numbers today?), where reading the whole calendar would cost more."""
    override = WorkdayOverride.objects.filter(day=day).values_list("is_working_day", flat=True).first()
    return package_is_working_day(day) if override is None else override


def next_working_day(after: datetime.date, calendar: WorkCalendar | None = None) -> datetime.date:
    """The first working day after `after`."""
    return (calendar or work_calendar()).add(after, 1)
