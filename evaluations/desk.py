"""What the staff who follow reviews up see: the reviews a person may open (a supervisor their centres', a department
head their departments', a clerk their own), the appeals waiting for a supervisor and the suspicious reviews of the
last weeks. The rules of who may act are in the services; these only choose what is listed."""

import datetime

from django.db.models import Q, QuerySet

from accounts.selectors import CenterAccess, center_access
from evaluations.models import Appeal, Review
from evaluations.selectors import OpenItem, open_rectifications

SUSPICIOUS_LISTED_DAYS = 31
LISTED_AT_MOST = 200


def _scope(access: CenterAccess, *, user_id: int | None) -> Q | None:
    """The reviews `access` answers for, as a filter; None for everything (the system admin)."""
    if access.everywhere:
        return None
    scope = Q(center_id__in=access.supervised) if access.supervised else Q(pk__in=[])
    for center_id, department_ids in access.departments.items():
        scope |= Q(center_id=center_id, department_id__in=department_ids)
    if user_id is not None:
        scope |= Q(clerk_id=user_id)
    return scope


def reviews_seen_by(user) -> QuerySet[Review]:
    """The reviews `user` may open: of the centres they supervise, the departments they head, or their own service."""
    reviews = Review.objects.select_related(
        "center", "department", "matter", "window", "clerk", "ticket", "case", "rectification", "appeal"
    )
    if not getattr(user, "is_authenticated", False):
        return reviews.none()
    scope = _scope(center_access(user), user_id=user.pk)
    return reviews if scope is None else reviews.filter(scope)


def appeals_waiting(user) -> list[Appeal]:
    """Appeals of the centres `user` supervises that wait for a decision, oldest first."""
    access = center_access(user)
    appeals = Appeal.objects.filter(status=Appeal.Status.PENDING).select_related("review", "filed_by", "center")
    if not access.everywhere:
        appeals = appeals.filter(center_id__in=access.supervised)
    return list(appeals.order_by("filed_at")[:LISTED_AT_MOST])


def suspicious_reviews(user, *, today: datetime.date) -> list[Review]:
    """The suspicious reviews of the last SUSPICIOUS_LISTED_DAYS in the centres `user` supervises, newest first:
    counted apart in every figure, listed here so a supervisor sees each."""
    access = center_access(user)
    reviews = Review.objects.filter(
        is_suspicious=True, rated_on__gte=today - datetime.timedelta(days=SUSPICIOUS_LISTED_DAYS)
    ).select_related("center", "window", "clerk", "ticket")
    if not access.everywhere:
        reviews = reviews.filter(center_id__in=access.supervised)
    return list(reviews.order_by("-rated_at")[:LISTED_AT_MOST])


def answers_for_reviews(user) -> bool:
    """A supervisor, a department head or the system admin: who follows bad reviews up."""
    access = center_access(user)
    return access.everywhere or bool(access.supervised or access.departments)


def rectifications_in_view(*, user, today: datetime.date) -> list[OpenItem] | None:
    """The open rectifications `user` answers for (a department head's departments, a supervisor's centres with the
    sites below, everything for the system admin); None for a user who answers for none."""
    if not answers_for_reviews(user):
        return None
    return open_rectifications(today=today, scope=_scope(center_access(user), user_id=None))
