"""电子监察: the periodic light of every open case, the department head told once per colour, and the deadlines counted
again when the working-day calendar changes."""

import datetime
import logging
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import department_heads
from centers.services import CalendarEffect
from centers.workdays import WorkCalendar, work_calendar
from hall.notifications.services import notification_send
from matters import clock, events
from matters.models import Case, CaseEvent
from matters.services.cases import case_clock, case_clock_set, case_event_record

logger = logging.getLogger(__name__)
ALERTED_LIGHTS = (clock.YELLOW, clock.RED)


def _open_cases():
    return Case.objects.filter(status__in=Case.OPEN_STATUSES).select_related("matter").prefetch_related("corrections")


def cases_supervise(*, today: datetime.date | None = None) -> Counter:
    """Set each open case's light for `today`; a case that turns yellow or red is recorded and its department
    head told (once per case and colour, whatever the job's reruns). Returns the count of each light."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    lights: Counter = Counter()
    for case in _open_cases().iterator(chunk_size=500):
        with transaction.atomic():
            changed = case_clock_set(case, calendar, today=today)
            lights[case.light] += 1
            if changed is None:
                continue
            case.save(update_fields=["light", "light_changed_at", "due_on", "due_provisional", "days_left_when_paused"])
            case_event_record(case, CaseEvent.Kind.LIGHT_CHANGED, light=changed)
            if changed in ALERTED_LIGHTS:
                _tell_department_head(case, changed, calendar, today=today)
                events.announce_case(events.case_light_changed, case, light=changed)
    return lights


def _tell_department_head(case: Case, light: str, calendar: WorkCalendar, *, today: datetime.date) -> None:
    left = clock.days_left(calendar, deadline=case_clock(case, calendar), today=today)
    for head in department_heads(center_id=case.center_id, department_id=case.department_id):
        if not head.mobile:
            continue
        notification_send(
            template="case_light",
            mobile=head.mobile,
            context={
                "number": case.number,
                "matter": case.matter.name,
                "light": "红灯" if light == clock.RED else "黄灯",
                "due": f"{case.due_on:%Y-%m-%d}" if case.due_on else "—",
                "remaining": f"已超期{-left}个工作日" if left < 0 else f"剩余{left}个工作日",
            },
            event_key=f"case:{case.pk}:light:{light}:to:{head.pk}",
        )


def cases_recount_deadlines(*, years: set[int]) -> list[CalendarEffect]:
    """Count the open cases' deadlines again on the calendar as it is now (it changed in `years`): each case whose
    due date moved is recorded and reported; a provisional date that is now confirmed loses the mark."""
    calendar = work_calendar()
    today = timezone.localdate()
    since = datetime.date(min(years), 1, 1)
    effects = []
    for case in _open_cases().filter(Q(due_on__gte=since) | Q(due_on__isnull=True)).order_by("due_on", "number"):
        before, was_provisional = case.due_on, case.due_provisional
        case_clock_set(case, calendar, today=today)
        if case.due_on == before and case.due_provisional == was_provisional:
            continue
        case.save(update_fields=["light", "light_changed_at", "due_on", "due_provisional", "days_left_when_paused"])
        if case.due_on != before:
            case_event_record(
                case,
                CaseEvent.Kind.DEADLINE_MOVED,
                before=str(before or ""),
                after=str(case.due_on or ""),
            )
            effects.append(CalendarEffect(label=f"{case.number} {case.matter.name}", before=before, after=case.due_on))
    logger.info("calendar changed in %s: %d open deadlines moved", sorted(years), len(effects))
    return effects
