"""Default ratings: a service its citizen did not rate within HALL_REVIEW_PERIOD_DAYS gets HALL_REVIEW_DEFAULT_LEVEL,
flagged `is_default`, so every figure can be read with and without them. Tickets served at a window get theirs for
the service, cases for their conclusion (the acceptance of a case at a window is the window's ticket). A default is
not a citizen's verdict: it never opens a rectification."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from evaluations.models import Review
from evaluations.services.push import push_enqueue
from evaluations.services.reviews import Rated, rated_case, rated_ticket
from matters.models import Case
from queueing.models import Ticket

# How far back an hourly run looks for services whose period ended unrated: a worker stopped for weeks catches up.
CATCH_UP_DAYS = 30
BATCH = 2000


@dataclass(frozen=True)
class DefaultsRun:
    tickets: int
    cases: int

    def __str__(self) -> str:
        return f"{self.tickets} tickets and {self.cases} cases given the default rating"


def reviews_apply_defaults(*, now: datetime.datetime | None = None) -> DefaultsRun:
    now = now or timezone.now()
    period_ended = now - datetime.timedelta(days=settings.HALL_REVIEW_PERIOD_DAYS)
    since = period_ended - datetime.timedelta(days=CATCH_UP_DAYS)
    tickets = (
        Ticket.objects.filter(status=Ticket.Status.FINISHED, finished_at__gte=since, finished_at__lt=period_ended)
        .exclude(Exists(Review.objects.filter(ticket=OuterRef("pk"), stage=Review.Stage.SERVICE)))
        .select_related("window", "matter")
        .order_by("finished_at")[:BATCH]
    )
    cases = (
        Case.objects.filter(status=Case.Status.CONCLUDED, concluded_at__gte=since, concluded_at__lt=period_ended)
        .exclude(Exists(Review.objects.filter(case=OuterRef("pk"), stage=Review.Stage.CONCLUSION)))
        .select_related("matter")
        .order_by("concluded_at")[:BATCH]
    )
    for_tickets = [_default(rated_ticket(ticket)) for ticket in tickets]
    for_cases = [_default(rated_case(case, stage=Review.Stage.CONCLUSION)) for case in cases]
    # A citizen rating in the same moment keeps their own review: the unique constraints drop the default.
    with transaction.atomic():
        Review.objects.bulk_create([*for_tickets, *for_cases], ignore_conflicts=True)
        created = Review.objects.filter(is_default=True).filter(
            Q(ticket__in=[r.ticket for r in for_tickets], stage=Review.Stage.SERVICE)
            | Q(case__in=[r.case for r in for_cases], stage=Review.Stage.CONCLUSION)
        )
        created_ids = list(created.values_list("pk", "ticket_id"))
        push_enqueue(review_ids=[pk for pk, _ticket in created_ids])
    # What was written: a default a citizen's own review beat in the same moment is not counted.
    tickets_done = sum(1 for _pk, ticket_id in created_ids if ticket_id is not None)
    return DefaultsRun(tickets=tickets_done, cases=len(created_ids) - tickets_done)


def _default(rated: Rated) -> Review:
    ended = rated.served_at + datetime.timedelta(days=settings.HALL_REVIEW_PERIOD_DAYS)
    return rated.review(
        rated_at=ended,
        channel=Review.Channel.DEFAULT,
        level=settings.HALL_REVIEW_DEFAULT_LEVEL,
        is_default=True,
    )
