"""A bad review raises an alert at once: on the supervisors' big screen and console, and by message to the centre's
supervisors and the head of the department concerned. Run by a worker after the review's request has answered."""

from dashboards.models import Alert
from dashboards.selectors.alerts import REVIEW_AT_WINDOW, REVIEW_OF_MATTER
from dashboards.services.alerts import alert_raise
from evaluations.models import Level, Review


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
