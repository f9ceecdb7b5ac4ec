"""The day's service level slipping below its target raises one warning per queue, to the supervisors; it clears by
itself when the level is back at the target (dashboards/selectors/service_level.py holds the rule)."""

from django.db import transaction
from django.utils.translation import gettext as _

from centers.models import Center
from dashboards.models import Alert
from dashboards.selectors.service_level import service_levels_today
from dashboards.services.alerts import alert_close_by_itself, alert_raise, alert_update_severity


@transaction.atomic
def alerts_scan_service_levels() -> str:
    live = {a.subject_key: a for a in Alert.objects.filter(kind=Alert.Kind.SERVICE_LEVEL, state__in=Alert.LIVE_STATES)}
    raised = changed = 0
    for center_id in Center.objects.values_list("id", flat=True):
        for level in service_levels_today(center_id=center_id):
            key = f"queue:{level.queue_id}"
            alert = live.pop(key, None)
            if not level.below:
                if alert is not None:
                    live[key] = alert  # closed below, with the others that are back at target
                continue
            value = int(level.percent)
            params = {
                "prefix": level.prefix,
                "name": level.name,
                "minutes": level.target_minutes,
                "target": level.target_percent,
            }
            if alert is None:
                raised += (
                    alert_raise(
                        center_id=center_id,
                        kind=Alert.Kind.SERVICE_LEVEL,
                        subject_key=key,
                        subject_params=params,
                        notify=True,
                        queue_id=level.queue_id,
                        value=value,
                        threshold=level.target_percent,
                    )
                    is not None
                )
            elif alert.value != value or alert.subject_params != params:
                alert_update_severity(
                    alert=alert,
                    severity=alert.severity,
                    value=value,
                    threshold=level.target_percent,
                    subject_params=params,
                )
                changed += 1
    cleared = alert_close_by_itself(alerts=live.values(), resolution=_("The service level is back at its target."))
    return f"{raised} raised, {changed} changed, {cleared} cleared"
