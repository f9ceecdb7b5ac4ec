"""The rectification of a bad review (差评整改), opened at once for the responsible department with its deadlines on
the working-day calendar: verified (核实, the citizen contacted) within HALL_REVIEW_CALLBACK_WORKING_DAYS, rectified
(整改) within HALL_REVIEW_RECTIFY_WORKING_DAYS, then the citizen called back (回访) and asked about the fix. The head
of the department and the centre's supervisors carry it; each step once, in this order."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from centers.workdays import work_calendar
from evaluations.models import Rectification, Review
from hall.errors import Conflict, DomainError, NotAllowed
from hall.parsing import reason_text

NOTE_MAX_LENGTH = 500
Status = Rectification.Status


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


def note_text(value, *, label, required: bool = True) -> str:
    """A note of the flow (finding, measures, callback, appeal): lines allowed, NOTE_MAX_LENGTH at most."""
    missing = _("%(label)s is required.") % {"label": label} if required else None
    return reason_text(value, max_length=NOTE_MAX_LENGTH, missing_message=missing, label=label, multiline=True)


def ensure_carries(user, rectification: Rectification) -> None:
    access = center_access(user)
    department_id = rectification.department_id
    heads = department_id is not None and access.heads(rectification.center_id, department_id)
    if not (heads or access.supervises(rectification.center_id)):
        raise NotAllowed(_("Only the head of the department or a supervisor of the centre carries this rectification."))


def _step(rectification: Rectification, *, from_status: str, to_status: str, check=None, **fields) -> Rectification:
    """Move the rectification from `from_status` (under a row lock) to `to_status`, writing `fields` with it;
    `check(locked)` may refuse the step by what the locked row says."""
    locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if locked.status != from_status:
        raise Conflict(
            _("This rectification is %(status)s: that step is not its next one.")
            % {"status": locked.get_status_display()}
        )
    if check is not None:
        check(locked)
    locked.status = to_status
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    return locked


@transaction.atomic
def rectification_verify(*, rectification: Rectification, user, finding) -> Rectification:
    """核实: what was found when the review was looked into and the citizen contacted."""
    ensure_carries(user, rectification)
    finding = note_text(finding, label=_("What the verification found"))
    return _step(
        rectification,
        from_status=Status.OPEN,
        to_status=Status.VERIFIED,
        finding=finding,
        verified_at=timezone.now(),
        verified_by=user,
    )


@transaction.atomic
def rectification_rectify(*, rectification: Rectification, user, measures) -> Rectification:
    """整改: what was done about it."""
    ensure_carries(user, rectification)
    measures = note_text(measures, label=_("What was done"))
    return _step(
        rectification,
        from_status=Status.VERIFIED,
        to_status=Status.RECTIFIED,
        measures=measures,
        rectified_at=timezone.now(),
        rectified_by=user,
    )


@transaction.atomic
def rectification_call_back(
    *, rectification: Rectification, user, result: str, note="", called_at: datetime.datetime | None = None
) -> Rectification:
    """回访: when the citizen was called, by whom, what they said of the rectification."""
    ensure_carries(user, rectification)
    if result not in Rectification.CallbackResult.values:
        raise DomainError(_("Choose what the citizen said of the rectification."), code="callback_result")
    note = note_text(note, label=_("Callback note"), required=False)
    now = timezone.now()
    called_at = called_at or now

    def in_time(locked: Rectification) -> None:
        if locked.rectified_at is None or not locked.rectified_at <= called_at <= now:
            raise DomainError(
                _("The callback happened after the rectification and not in the future."), code="callback_time"
            )

    return _step(
        rectification,
        from_status=Status.RECTIFIED,
        to_status=Status.CALLED_BACK,
        check=in_time,
        callback_result=result,
        callback_note=note,
        called_back_at=called_at,
        called_back_by=user,
    )
