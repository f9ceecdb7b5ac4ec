from celery import shared_task

from hall.jobs import job_run
from matters.services import cases_supervise


@shared_task(name="matters.supervise_cases")
def supervise_cases() -> str:
    return job_run(name="matters.supervise_cases", func=cases_supervise)
