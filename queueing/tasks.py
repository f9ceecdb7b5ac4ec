from celery import shared_task
from django.db import OperationalError

from hall.jobs import job_run
from queueing import services
from queueing.services.cases import case_pickup_ticket_issue
from queueing.services.counters import counters_check_today


@shared_task(name="queueing.close_past_days")
def close_past_days() -> str:
    return job_run(name="queueing.close_past_days", func=services.queue_close_past_days)


@shared_task(name="queueing.release_missed_appointments")
def release_missed_appointments() -> int:
    return job_run(name="queueing.release_missed_appointments", func=services.appointments_release_missed)


@shared_task(name="queueing.check_flow_counters")
def check_flow_counters() -> int:
    return job_run(name="queueing.check_flow_counters", func=counters_check_today)


@shared_task(name="queueing.issue_pickup_number", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def issue_pickup_number(case_id: int) -> int | None:
    ticket = case_pickup_ticket_issue(case_id=case_id)
    return ticket.pk if ticket else None
