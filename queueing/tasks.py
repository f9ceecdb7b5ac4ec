from celery import shared_task

from hall.jobs import job_run
from queueing import services


@shared_task(name="queueing.expire_past_tickets")
def expire_past_tickets() -> int:
    return job_run(name="queueing.expire_past_tickets", func=services.tickets_expire_past_days)
