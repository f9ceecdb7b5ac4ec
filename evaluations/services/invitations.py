"""Inviting a citizen to rate a service they did not rate at the window: an SMS with a signed link, to the mobile
number given when the number was taken, and to a case's applicant when the case is concluded (or, applied for online,
accepted) (docs/domain.md, "Reviews"). A job, not a reaction to the finish: the clerk's request stays as it was, the
evaluator has its invitation time first, and a stopped worker catches up."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length
from django.utils import timezone

from evaluations.links import case_review_path, review_path
from evaluations.models import Review
from hall.notifications.models import Notification
from hall.notifications.services import notification_send
from hall.public_address import absolute_public_url
from matters.models import Case, CaseType
from queueing.models import Ticket

INVITATION_TEMPLATE = "review_invitation"
CASE_INVITATION_TEMPLATE = "case_review_invitation"
# The SMS templates are written in Chinese (and edited so in the admin): the stage is named in their words.
STAGE_WORDS = {Review.Stage.ACCEPTANCE: "受理", Review.Stage.CONCLUSION: "办结"}
# How far back the job looks: a worker stopped for up to this long still invites the services it missed.
CATCH_UP = datetime.timedelta(hours=1)
BATCH = 500


def review_url(ticket_id: int, channel: str) -> str:
    """The phone page to rate `ticket_id`."""
    return absolute_public_url(review_path(ticket_id, channel))


def invitation_key(ticket_id: int) -> str:
    return f"ticket:{ticket_id}:review_invitation"


def case_invitation_key(case_id: int, stage: str) -> str:
    return f"case:{case_id}:{stage}:review_invitation"


@dataclass(frozen=True)
class Invitation:
    key: str  # the notification's event key: one invitation per service and stage, ever
    template: str
    mobile: str
    context: dict


def _send_new(invitations: list[Invitation]) -> int:
    """Send those not sent before; how many were sent."""
    sent_before = set(
        Notification.objects.filter(event_key__in=[i.key for i in invitations]).values_list("event_key", flat=True)
    )
    fresh = [invitation for invitation in invitations if invitation.key not in sent_before]
    for invitation in fresh:
        notification_send(
            template=invitation.template, mobile=invitation.mobile, context=invitation.context, event_key=invitation.key
        )
    return len(fresh)


def reviews_invite_by_sms(*, now: datetime.datetime | None = None) -> str:
    """The invitations due now: numbers served, then cases that reached a stage to rate."""
    now = now or timezone.now()
    sent = _send_new(_ticket_invitations(now)) + _send_new(_case_invitations(now))
    return f"{sent} review invitations sent"


def _ticket_invitations(now: datetime.datetime) -> list[Invitation]:
    """Each ticket finished between CATCH_UP and the evaluator's invitation time ago, with a mobile, not rated."""
    last = now - datetime.timedelta(seconds=settings.HALL_EVALUATOR_INVITE_SECONDS)
    tickets = (
        Ticket.objects.filter(status=Ticket.Status.FINISHED, finished_at__gte=now - CATCH_UP, finished_at__lt=last)
        # The number is stored encrypted: only its presence can be asked of the database.
        .annotate(mobile_length=Length("mobile"))
        .filter(mobile_length__gt=0)
        .exclude(Exists(Review.objects.filter(ticket_id=OuterRef("pk"), stage=Review.Stage.SERVICE)))
        .select_related("center")
        .order_by("finished_at")[:BATCH]
    )
    return [
        Invitation(
            key=invitation_key(ticket.pk),
            template=INVITATION_TEMPLATE,
            mobile=ticket.mobile,
            context={
                "center": ticket.center.name,
                "number": ticket.number,
                "url": review_url(ticket.pk, Review.Channel.SMS),
                "days": settings.HALL_REVIEW_PERIOD_DAYS,
            },
        )
        for ticket in tickets
    ]


def _case_stage_candidates(stage: str, moment: str, since: datetime.datetime, now: datetime.datetime):
    """Cases that reached `stage` (at `moment`) since `since`, with the applicant's mobile, not rated at that stage.
    A stage reached while the applicant stood at a window is not asked about again: the window's evaluator and the
    number's own invitation rated that visit (acceptance at a window; an instant case concluded there)."""
    rows = (
        Case.objects.filter(**{f"{moment}__gte": since, f"{moment}__lt": now})
        .annotate(mobile_length=Length("applicant_mobile"))
        .filter(mobile_length__gt=0)
        .exclude(Exists(Review.objects.filter(case_id=OuterRef("pk"), stage=stage)))
    )
    if stage == Review.Stage.ACCEPTANCE:
        rows = rows.filter(channel=Case.Channel.PORTAL).exclude(matter__case_type=CaseType.INSTANT)
    else:
        rows = rows.exclude(Q(channel=Case.Channel.WINDOW) & Q(matter__case_type=CaseType.INSTANT))
    return rows.select_related("center", "matter").order_by(moment)[:BATCH]


def _case_invitations(now: datetime.datetime) -> list[Invitation]:
    since = now - CATCH_UP
    stages = ((Review.Stage.ACCEPTANCE, "accepted_at"), (Review.Stage.CONCLUSION, "concluded_at"))
    return [
        Invitation(
            key=case_invitation_key(case.pk, stage),
            template=CASE_INVITATION_TEMPLATE,
            mobile=case.applicant_mobile,
            context={
                "center": case.center.name,
                "matter": case.matter.name,
                "number": case.number,
                "stage": STAGE_WORDS[stage],
                "url": absolute_public_url(case_review_path(case.pk, stage, Review.Channel.SMS)),
                "days": settings.HALL_REVIEW_PERIOD_DAYS,
            },
        )
        for stage, moment in stages
        for case in _case_stage_candidates(stage, moment, since, now)
    ]
