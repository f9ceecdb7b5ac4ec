"""Celery tasks of notifications: thin wrappers around the services."""

from celery import shared_task
from django.conf import settings

from hall.jobs import job_run

from . import services


@shared_task(bind=True, name="notifications.deliver", ignore_result=True)
def deliver(self, notification_id: int) -> str:
    """One delivery attempt; on a retryable failure, try again after the back-off the row records.

    With a worker that is Celery's own retry (countdown = exponential back-off). Run eagerly (the embedded hall,
    inside the request that committed the message) it does not retry in place: Celery would raise `Retry` into the
    request, or repeat at once without any back-off. The row stays queued with its next attempt time, and the
    periodic job `notifications.retry_due` sends it when that time comes. So does a back-off too long to wait in a
    worker (`can_wait_in_a_worker`).
    """
    result = services.notification_deliver(notification_id=notification_id)
    if result.retry_in is not None and not self.request.is_eager and can_wait_in_a_worker(result.retry_in):
        raise self.retry(countdown=result.retry_in, max_retries=settings.HALL_SMS_MAX_ATTEMPTS)
    return result.outcome


def can_wait_in_a_worker(delay: float) -> bool:
    """Whether a retry `delay` seconds away can wait in a worker. Redis hands a message out again when it is not
    acknowledged within the visibility timeout, and a retry waits unacknowledged until its time: longer, every
    timeout would add a copy (each skipped, but each a message)."""
    return delay + settings.HALL_SMS_SEND_TIMEOUT < settings.HALL_CELERY_VISIBILITY_TIMEOUT


@shared_task(name="notifications.retry_due")
def retry_due() -> int:
    return job_run(name="notifications.retry_due", func=services.notification_retry_due)
