from celery import shared_task

from hall.jobs import job_run
from queueing import services
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
