"""Periodic jobs: each is a plain function; this records every run so the schedule can be watched."""

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hall.models import JobStatus

logger = logging.getLogger(__name__)


def job_run(*, name: str, func: Callable[[], object]) -> object:
    """Run `func` as the periodic job `name`, recording its start, end and outcome."""
    started = timezone.now()
    try:
        result = func()
    except Exception as exc:
        _record(name=name, started=started, ok=False, detail=f"{type(exc).__name__}: {exc}")
        logger.exception("periodic job %s failed", name)
        raise
    _record(name=name, started=started, ok=True, detail=str(result if result is not None else ""))
    return result


def _record(*, name: str, started, ok: bool, detail: str) -> None:
    with transaction.atomic():
        JobStatus.objects.get_or_create(name=name)
        JobStatus.objects.filter(name=name).update(
            run_count=F("run_count") + 1,
            failure_count=F("failure_count") + (0 if ok else 1),
            last_started_at=started,
            last_finished_at=timezone.now(),
            last_ok=ok,
            last_detail=detail[:500],
        )
