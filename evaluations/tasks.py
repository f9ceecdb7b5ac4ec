from celery import shared_task

from evaluations.services.defaults import reviews_apply_defaults
from evaluations.services.invitations import reviews_invite_by_sms
from evaluations.services.push import push_due
from hall.jobs import job_run


@shared_task(name="evaluations.apply_default_reviews")
def apply_default_reviews() -> str:
    return job_run(name="evaluations.apply_default_reviews", func=reviews_apply_defaults)


@shared_task(name="evaluations.push_reviews")
def push_reviews() -> str:
    return job_run(name="evaluations.push_reviews", func=push_due)


@shared_task(name="evaluations.invite_reviews_by_sms")
def invite_reviews_by_sms() -> str:
    return job_run(name="evaluations.invite_reviews_by_sms", func=reviews_invite_by_sms)
