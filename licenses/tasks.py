from celery import shared_task

from hall.jobs import job_run
from licenses.services.imports import licenses_import_job
from licenses.services.reminders import licenses_remind_expiry


@shared_task(name="licenses.remind_expiry")
def remind_expiry() -> str:
    return job_run(name="licenses.remind_expiry", func=licenses_remind_expiry)


@shared_task(name="licenses.run_import")
def run_import(import_id: int) -> None:
    licenses_import_job(import_id=import_id)
