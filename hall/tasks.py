from celery import shared_task

from hall.idempotency import idempotency_records_purge
from hall.jobs import job_run


@shared_task(name="hall.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return job_run(name="hall.purge_idempotency_keys", func=idempotency_records_purge)
