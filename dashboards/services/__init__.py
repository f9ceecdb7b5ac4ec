"""Every write of the live hall: alerts raised by the scans and by bad reviews, acknowledged and resolved from the
console."""

from dashboards.services.alerts import alert_acknowledge, alert_resolve
from dashboards.services.review_alerts import alert_raise_for_bad_review, alerts_scan_overdue_rectifications
from dashboards.services.scans import alerts_scan_load, alerts_scan_long_services, alerts_scan_wait_timeouts
from dashboards.services.service_level_alerts import alerts_scan_service_levels

__all__ = [
    "alert_acknowledge",
    "alert_raise_for_bad_review",
    "alert_resolve",
    "alerts_scan_load",
    "alerts_scan_long_services",
    "alerts_scan_overdue_rectifications",
    "alerts_scan_service_levels",
    "alerts_scan_wait_timeouts",
]
