from celery import shared_task

from evaluations.services.defaults import reviews_apply_defaults
from hall.jobs import job_run


@shared_task(name="evaluations.apply_default_reviews")
def apply_default_reviews() -> str:
    return job_run(name="evaluations.apply_default_reviews", func=reviews_apply_defaults)
