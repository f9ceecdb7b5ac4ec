from celery import shared_task
from django.db import OperationalError

from dashboards import services
from dashboards.services.broadcast import push_hall_snapshots as push_all
from hall.jobs import job_run


@shared_task(name="dashboards.push_hall_snapshots")
def push_hall_snapshots() -> str:
    return job_run(name="dashboards.push_hall_snapshots", func=push_all)


@shared_task(name="dashboards.scan_wait_timeouts")
def scan_wait_timeouts() -> str:
    return job_run(name="dashboards.scan_wait_timeouts", func=services.alerts_scan_wait_timeouts)


@shared_task(name="dashboards.scan_long_services")
def scan_long_services() -> str:
    return job_run(name="dashboards.scan_long_services", func=services.alerts_scan_long_services)


@shared_task(name="dashboards.scan_load")
def scan_load() -> str:
    return job_run(name="dashboards.scan_load", func=services.alerts_scan_load)


@shared_task(name="dashboards.scan_service_levels")
def scan_service_levels() -> str:
    return job_run(name="dashboards.scan_service_levels", func=services.alerts_scan_service_levels)


@shared_task(name="dashboards.scan_overdue_rectifications")
def scan_overdue_rectifications() -> str:
    return job_run(name="dashboards.scan_overdue_rectifications", func=services.alerts_scan_overdue_rectifications)


@shared_task(name="dashboards.daily_rollups")
def daily_rollups() -> str:
    from dashboards.services.rollups import stats_rollup_recent_days

    return job_run(name="dashboards.daily_rollups", func=stats_rollup_recent_days)


@shared_task(
    name="dashboards.raise_bad_review_alert", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def raise_bad_review_alert(review_id: int) -> int | None:
    alert = services.alert_raise_for_bad_review(review_id=review_id)
    return alert.pk if alert else None
