from celery import shared_task

from dashboards.broadcast import push_hall_snapshots as push_all
from hall.jobs import job_run


@shared_task(name="dashboards.push_hall_snapshots")
def push_hall_snapshots() -> str:
    return job_run(name="dashboards.push_hall_snapshots", func=push_all)
