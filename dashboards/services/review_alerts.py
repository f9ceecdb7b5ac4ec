"""Alerts of reviews: a bad review raises one at once (by a worker, after the review's request has answered), and a
rectification past a deadline raises one per late step (an hourly scan), cleared by itself when the step is done.
Both reach the supervisors' big screen and console and, by message, the centre's supervisors and the head of the
window's department."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.models import Alert
from dashboards.selectors.alerts import REVIEW_AT_WINDOW, REVIEW_OF_MATTER
from dashboards.services.alerts import alert_close_by_itself, alert_raise, alert_update_severity
from evaluations.models import Level, Review
from evaluations.selectors import overdue_rectifications


def alert_raise_for_bad_review(*, review_id: int) -> Alert | None:
    """The alert of a bad review (red for 非常不满意); None when the review is gone, not bad, or alerted already."""
    review = Review.objects.select_related("window", "matter").filter(pk=review_id).first()
    if review is None or not review.is_bad:
        return None
    if review.window is not None:
        params = {"measure": REVIEW_AT_WINDOW, "window": review.window.number}
    else:
        params = {"measure": REVIEW_OF_MATTER, "name": review.matter.name if review.matter else ""}
    return alert_raise(
        center_id=review.center_id,
        kind=Alert.Kind.BAD_REVIEW,
        subject_key=f"review:{review.pk}",
        subject_params=params,
        notify=True,
        severity=Alert.Severity.RED if review.level == Level.VERY_DISSATISFIED else Alert.Severity.YELLOW,
        window=review.window,
        zone_id=review.window.zone_id if review.window else None,
        ticket_id=review.ticket_id,
        value=review.level,
    )


@transaction.atomic
def alerts_scan_overdue_rectifications() -> str:
    """One alert per rectification and late step, ever: a supervisor who resolves it is not paged again for the same
    step; a live one keeps counting the working days late."""
    late = overdue_rectifications(today=timezone.localdate())
    keys = {f"rectification:{item.rectification.pk}:{item.step}": item for item in late}
    alerted = {
        alert.subject_key: alert
        for alert in Alert.objects.filter(kind=Alert.Kind.RECTIFY_OVERDUE, subject_key__in=list(keys))
    }
    raised = 0
    for key, item in keys.items():
        rectification, review = item.rectification, item.rectification.review
        params = {"measure": item.step, "name": rectification.department.name if rectification.department else ""}
        earlier = alerted.get(key)
        if earlier is not None:
            if earlier.state in Alert.LIVE_STATES and earlier.value != -item.days_left:
                alert_update_severity(
                    alert=earlier, severity=earlier.severity, value=-item.days_left, threshold=0, subject_params=params
                )
            continue
        alert = alert_raise(
            center_id=rectification.center_id,
            kind=Alert.Kind.RECTIFY_OVERDUE,
            subject_key=key,
            subject_params=params,
            notify=True,
            severity=Alert.Severity.RED,
            window=review.window,
            ticket_id=review.ticket_id,
            value=-item.days_left,
        )
        raised += alert is not None
    done = Alert.objects.filter(kind=Alert.Kind.RECTIFY_OVERDUE, state__in=Alert.LIVE_STATES).exclude(
        subject_key__in=list(keys)
    )
    cleared = alert_close_by_itself(alerts=done, resolution=_("The step has been done."))
    return f"{raised} raised, {cleared} cleared"
