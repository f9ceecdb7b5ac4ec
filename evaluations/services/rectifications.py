"""The rectification of a bad review (差评整改), opened at once for the responsible department with its deadlines on
the working-day calendar: verified and the citizen called back within HALL_REVIEW_CALLBACK_WORKING_DAYS,
rectified within HALL_REVIEW_RECTIFY_WORKING_DAYS."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from centers.workdays import work_calendar
from evaluations.models import Rectification, Review


@transaction.atomic
def rectification_open(*, review: Review) -> Rectification:
    opened = review.rated_at
    day = timezone.localdate(opened)
    calendar = work_calendar()
    return Rectification.objects.create(
        review=review,
        department_id=review.department_id,
        center_id=review.center_id,
        opened_at=opened,
        callback_due=calendar.add(day, settings.HALL_REVIEW_CALLBACK_WORKING_DAYS),
        rectify_due=calendar.add(day, settings.HALL_REVIEW_RECTIFY_WORKING_DAYS),
    )
