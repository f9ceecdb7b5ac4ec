"""Whether a queue gives numbers now, and what a citizen is told when it does not: paused by a supervisor, a day the
hall is closed (weekend or public holiday, by the working-day calendar: make-up working days open), before its hours,
in its break, or after its hours. The one rule behind the kiosk's buttons, the portal, the station page and the
refusal inside `ticket_issue`."""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from centers.workdays import is_working_day, next_working_day
from queueing.models import Queue

INTAKE_OPEN, INTAKE_PAUSED, INTAKE_NOT_YET, INTAKE_CLOSED = "open", "paused", "not_yet", "closed"
INTAKE_BREAK, INTAKE_DAY_OFF = "break", "day_off"


def queue_intake(queue: Queue, *, now: datetime.datetime | None = None, working_day: bool | None = None) -> str:
    """The queue's intake state at `now`. `working_day`: whether today is one, when the caller already knows
    (a page of many queues asks once); else one indexed read."""
    if not queue.is_accepting:
        return INTAKE_PAUSED
    local = timezone.localtime(now or timezone.now())
    if not queue.open_on_days_off and not (is_working_day(local.date()) if working_day is None else working_day):
        return INTAKE_DAY_OFF
    time = local.time()
    if time < queue.opens_at:
        return INTAKE_NOT_YET
    if time >= queue.closes_at:
        return INTAKE_CLOSED
    if queue.break_starts_at is not None and queue.break_starts_at <= time < queue.break_ends_at:
        return INTAKE_BREAK
    return INTAKE_OPEN


@dataclass(frozen=True)
class Intake:
    """A queue's intake now, as people are told it: `note` on its button, `said` when a number is refused."""

    state: str
    note: str
    said: str

    @property
    def is_open(self) -> bool:
        return self.state == INTAKE_OPEN


def _clock(time: datetime.time) -> str:
    return formats.time_format(time, "H:i")


def _day(day: datetime.date) -> str:
    # Translators: a date format (Django's letters): the day a citizen is told to come back, with its weekday.
    return formats.date_format(day, _("F j (l)"))


def queue_intake_said(queue: Queue, *, now: datetime.datetime | None = None, working_day: bool | None = None) -> Intake:
    """The state with its words: always when to come back, as a time today or the next working day."""
    now = now or timezone.now()
    state = queue_intake(queue, now=now, working_day=working_day)
    if state == INTAKE_OPEN:
        return Intake(state, "", "")
    if state == INTAKE_PAUSED:
        if queue.pause_reason:
            note = _("%(state)s: %(reason)s") % {"state": _("Not taking numbers now"), "reason": queue.pause_reason}
            return Intake(
                state, note, _("This queue has paused taking tickets: %(reason)s") % {"reason": queue.pause_reason}
            )
        return Intake(state, _("Not taking numbers now"), _("This queue is not taking tickets now."))
    opens = _clock(queue.opens_at)
    if state == INTAKE_NOT_YET:
        return Intake(
            state,
            _("Numbers from %(time)s") % {"time": opens},
            _("Tickets for this queue are given from %(time)s. Please come back then.") % {"time": opens},
        )
    if state == INTAKE_BREAK:
        start, end = _clock(queue.break_starts_at), _clock(queue.break_ends_at)
        return Intake(
            state,
            _("Break: numbers again from %(time)s") % {"time": end},
            _("No numbers are given during the break, %(start)s–%(end)s. Please come back at %(end)s.")
            % {"start": start, "end": end},
        )
    next_day = _day(next_working_day(timezone.localdate(now)))
    if state == INTAKE_DAY_OFF:
        return Intake(
            state,
            _("Closed today: open %(day)s") % {"day": next_day},
            _("The hall gives no numbers today (a weekend or public holiday). Please come on %(day)s, from %(time)s.")
            % {"day": next_day, "time": opens},
        )
    return Intake(
        state,
        _("No more numbers today"),
        _("Tickets for this queue are given until %(until)s. Please come back on %(day)s, from %(time)s.")
        % {"until": _clock(queue.closes_at), "day": next_day, "time": opens},
    )
