"""Alerts of reviews: a bad review raises one at once (by a worker, after the review's request has answered), and a
rectification past a deadline raises one per late step (an hourly scan), cleared by itself when the step is done.
Both reach the supervisors' big screen and console and, by message, the centre's supervisors and the head of the
window's department."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.models import Alert
from dashboards.selectors.alerts import REVIEW_AT_WINDOW, REVIEW_OF_MATTER
from dashboards.services.alerts import alert_close_by_itself, alert_raise
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
    raised = 0
    live_keys = set()
    for item in overdue_rectifications(today=timezone.localdate()):
        rectification, review = item.rectification, item.rectification.review
        key = f"rectification:{rectification.pk}:{item.step}"
        live_keys.add(key)
        alert = alert_raise(
            center_id=rectification.center_id,
            kind=Alert.Kind.RECTIFY_OVERDUE,
            subject_key=key,
            subject_params={
                "measure": item.step,
                "name": rectification.department.name if rectification.department else "",
            },
            notify=True,
            severity=Alert.Severity.RED,
            window=review.window,
            ticket_id=review.ticket_id,
            value=-item.days_left,
        )
        raised += alert is not None
    done = Alert.objects.filter(kind=Alert.Kind.RECTIFY_OVERDUE, state__in=Alert.LIVE_STATES).exclude(
        subject_key__in=live_keys
    )
    cleared = alert_close_by_itself(alerts=done, resolution=_("The step has been done."))
    return f"{raised} raised, {cleared} cleared"
