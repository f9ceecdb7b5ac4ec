"""申诉: the rated clerk, the department's head or a supervisor asks that a bad review found mistaken or malicious be
excluded; another supervisor of the centre decides. Upheld, the review leaves every statistic (it stays, marked)
and its rectification is withdrawn."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from evaluations.models import Appeal, Rectification, Review
from evaluations.services.push import push_enqueue_exclusion
from evaluations.services.rectifications import note_text
from hall.errors import Conflict, DomainError, NotAllowed


@transaction.atomic
def appeal_file(*, review: Review, user, reason) -> Appeal:
    access = center_access(user)
    own = review.clerk_id is not None and review.clerk_id == getattr(user, "pk", None)
    heads = review.department_id is not None and access.heads(review.center_id, review.department_id)
    if not (own or heads or access.supervises(review.center_id)):
        raise NotAllowed(_("Only the rated clerk, the department's head or a supervisor may appeal a review."))
    if not review.is_bad:
        raise DomainError(_("Only a bad review can be appealed."), code="appeal_not_bad")
    reason = note_text(reason, label=_("Why"))
    try:
        with transaction.atomic():
            return Appeal.objects.create(
                review=review, center_id=review.center_id, reason=reason, filed_at=timezone.now(), filed_by=user
            )
    except IntegrityError:
        raise Conflict(_("This review has been appealed already.")) from None


@transaction.atomic
def appeal_decide(*, appeal: Appeal, user, upheld: bool, note="") -> Appeal:
    if not center_access(user).supervises(appeal.center_id):
        raise NotAllowed(_("A supervisor of the centre decides appeals."))
    user_id = getattr(user, "pk", None)
    if user_id in (appeal.filed_by_id, appeal.review.clerk_id):
        raise NotAllowed(_("An appeal is decided by a supervisor who neither filed it nor was rated."))
    note = note_text(note, label=_("Decision"), required=False)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != Appeal.Status.PENDING:
        raise Conflict(_("This appeal has been decided already."))
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.decided_at, appeal.decided_by, appeal.decision_note = timezone.now(), user, note
    appeal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    if upheld:
        Review.objects.filter(pk=appeal.review_id).update(excluded=True)
        Rectification.objects.filter(review_id=appeal.review_id, status__in=Rectification.OPEN_STATUSES).update(
            status=Rectification.Status.WITHDRAWN
        )
        push_enqueue_exclusion(review=appeal.review, at=appeal.decided_at)
    return appeal
