"""The Celery app. Tasks are thin wrappers around services; the schedule lives in settings.HALL_PERIODIC_JOBS."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

app = Celery("hall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
