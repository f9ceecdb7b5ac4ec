"""Writes to the organisation's tables that other apps must hear about."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from centers.models import CalendarYear, WorkdayOverride
from centers.signals import calendar_changed
from hall.audit import audit_record
from hall.models import AuditEntry


@dataclass(frozen=True)
class CalendarEffect:
    """One thing a calendar change moved, as a receiver reports it (for example a case whose deadline moved)."""

    label: str
    before: datetime.date | None
    after: datetime.date | None


def _announce(years: set[int]) -> list[CalendarEffect]:
    effects: list[CalendarEffect] = []
    for _receiver, answer in calendar_changed.send(sender=CalendarYear, years=years):
        effects.extend(answer or [])
    return effects


@transaction.atomic
def calendar_year_confirm(*, year: int, source: str = "", actor=None, request=None) -> list[CalendarEffect]:
    """Mark `year`'s schedule as checked: its deadlines stop being provisional and are counted again."""
    entry, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"confirmed_at": timezone.now(), "source": source}
    )
    effects = _announce({year})
    audit_record(
        action=AuditEntry.Action.CALENDAR_CHANGED,
        actor=actor,
        target=entry,
        detail={"confirmed_year": year, "deadlines_moved": len(effects)},
        request=request,
    )
    return effects


@transaction.atomic
def workday_override_save(*, override: WorkdayOverride, actor=None, request=None) -> list[CalendarEffect]:
    """Store one override (new or edited) and count the open deadlines again."""
    previous = WorkdayOverride.objects.filter(pk=override.pk).values_list("day", flat=True).first()
    override.save()
    years = {override.day.year} | ({previous.year} if previous else set())
    return _changed(years, override=override, actor=actor, request=request, removed=False)


@transaction.atomic
def workday_override_delete(*, override: WorkdayOverride, actor=None, request=None) -> list[CalendarEffect]:
    override.delete()
    return _changed({override.day.year}, override=override, actor=actor, request=request, removed=True)


def _changed(years: set[int], *, override, actor, request, removed: bool) -> list[CalendarEffect]:
    effects = _announce(years)
    audit_record(
        action=AuditEntry.Action.CALENDAR_CHANGED,
        actor=actor,
        target=None if removed else override,
        detail={
            "day": override.day.isoformat(),
            "working_day": override.is_working_day,
            "removed": removed,
            "deadlines_moved": len(effects),
        },
        request=request,
    )
    return effects
