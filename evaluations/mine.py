"""A citizen's own reviews on the portal: the services they may still rate (numbers served, cases accepted or
concluded within the rating period, not rated yet), each with its link, and the reviews they gave."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from evaluations.links import case_review_path, review_path
from evaluations.models import Review
from matters.models import Case, CaseType
from queueing.models import Ticket

GIVEN_LISTED = 20


@dataclass(frozen=True)
class ToRate:
    what: str  # the matter or queue, as the citizen knows it
    number: str  # the ticket's or the case's number
    stage: str  # Review.Stage
    served_at: datetime.datetime
    path: str


def _rated(**subject):
    return Exists(Review.objects.filter(**subject))


def services_to_rate(user, *, now: datetime.datetime | None = None) -> list[ToRate]:
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.HALL_REVIEW_PERIOD_DAYS)
    items = []
    tickets = (
        Ticket.objects.filter(citizen=user, status=Ticket.Status.FINISHED, finished_at__gte=since)
        .exclude(_rated(ticket_id=OuterRef("pk"), stage=Review.Stage.SERVICE))
        .select_related("queue", "matter")
    )
    for ticket in tickets:
        what = ticket.matter.name if ticket.matter_id else ticket.queue.name
        path = review_path(ticket.pk, Review.Channel.WEB)
        items.append(ToRate(what, ticket.number, Review.Stage.SERVICE, ticket.finished_at, path))
    cases = Case.objects.filter(citizen=user).select_related("matter")
    accepted = (
        cases.filter(accepted_at__gte=since)
        .exclude(matter__case_type=CaseType.INSTANT)
        .exclude(_rated(case_id=OuterRef("pk"), stage=Review.Stage.ACCEPTANCE))
    )
    concluded = cases.filter(concluded_at__gte=since).exclude(
        _rated(case_id=OuterRef("pk"), stage=Review.Stage.CONCLUSION)
    )
    for stage, rows, moment in (
        (Review.Stage.ACCEPTANCE, accepted, "accepted_at"),
        (Review.Stage.CONCLUSION, concluded, "concluded_at"),
    ):
        for case in rows:
            path = case_review_path(case.pk, stage, Review.Channel.WEB)
            items.append(ToRate(case.matter.name, case.number, stage, getattr(case, moment), path))
    return sorted(items, key=lambda item: item.served_at, reverse=True)


def reviews_given_by(user) -> list[Review]:
    """The citizen's latest reviews of their numbers and cases (default ratings included: they were theirs to give)."""
    mine = Q(ticket__citizen=user) | Q(case__citizen=user)
    return list(Review.objects.filter(mine).order_by("-rated_at")[:GIVEN_LISTED])
