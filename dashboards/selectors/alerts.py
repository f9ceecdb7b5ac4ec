"""Reads of alerts: what the supervisors' screens and console show.

An alert's text is built here, when it is read, in the reader's language: the scan records the facts (kind, value,
threshold and `subject_params`), not a sentence in the language that happened to be active when it ran.
`subject_params` by kind (the minutes or the count are the alert's `value`):
    wait_timeout  {"number": ticket number, "queue": queue name}
    long_service  {"number": ticket number, "window": window number}
    queue_load    {"prefix": queue prefix, "name": queue name, "measure": "waiting" | "intake"}
    zone_load     {"name": zone name, "measure": "waiting" | "intake"}
    bad_review    {"measure": "window", "window": window number} or {"measure": "matter", "name": matter name}
                  (the stars are the alert's value)
    rectify_overdue {"measure": "verify" | "rectify" | "call_back", "name": department name}
                  (the working days late are the alert's value)
"""

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dashboards.models import Alert

LIVE_SHOWN = 50  # a screen shows the newest live alerts, with the count of all of them

MEASURE_WAITING = "waiting"  # tickets waiting now
MEASURE_INTAKE = "intake"  # tickets issued in the last 15 minutes
REVIEW_AT_WINDOW, REVIEW_OF_MATTER = "window", "matter"  # a bad review of a window's service, or of a case


def live_alerts(*, center_id: int) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(center_id=center_id, state__in=Alert.LIVE_STATES)
        .select_related("acknowledged_by", "zone", "queue", "window", "ticket")
        # Red before yellow (not alphabetical), then the newest first: a screen shows the head of this list.
        .annotate(
            rank=Case(When(severity=Alert.Severity.RED, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rank", "-opened_at", "-id")
    )


def _load_subject(alert: Alert, params: dict) -> str:
    if alert.kind == Alert.Kind.QUEUE_LOAD:
        what = _("Queue %(prefix)s %(name)s") % {"prefix": params["prefix"], "name": params["name"]}
    else:
        what = _("Zone %(name)s") % {"name": params["name"]}
    if params["measure"] == MEASURE_INTAKE:
        return _("%(what)s: %(count)s tickets in 15 minutes") % {"what": what, "count": alert.value}
    return _("%(what)s: %(count)s waiting") % {"what": what, "count": alert.value}


def _wait_subject(alert: Alert, params: dict) -> str:
    return _("%(number)s (%(queue)s) has waited %(minutes)s minutes") % {
        "number": params["number"],
        "queue": params["queue"],
        "minutes": alert.value,
    }


def _service_subject(alert: Alert, params: dict) -> str:
    return _("Window %(window)s has been serving %(number)s for %(minutes)s minutes") % {
        "window": params["window"],
        "number": params["number"],
        "minutes": alert.value,
    }


def _review_subject(alert: Alert, params: dict) -> str:
    if params["measure"] == REVIEW_AT_WINDOW:
        return _("Window %(window)s: a bad review, %(stars)s stars") % {
            "window": params["window"],
            "stars": alert.value,
        }
    return _("%(name)s: a bad review, %(stars)s stars") % {"name": params["name"], "stars": alert.value}


def _overdue_subject(alert: Alert, params: dict) -> str:
    texts = {
        "verify": _("%(name)s: the verification of a bad review is %(days)s working days late"),
        "rectify": _("%(name)s: the rectification of a bad review is %(days)s working days late"),
        "call_back": _("%(name)s: the callback of a bad review is %(days)s working days late"),
    }
    return texts[params["measure"]] % {"name": params["name"], "days": alert.value}


def _service_level_subject(alert: Alert, params: dict) -> str:
    return _("Queue %(prefix)s %(name)s: %(value)s%% called within %(minutes)s min today, target %(target)s%%") % {
        "prefix": params["prefix"],
        "name": params["name"],
        "value": alert.value,
        "minutes": params["minutes"],
        "target": params["target"],
    }


_SUBJECTS = {
    Alert.Kind.WAIT_TIMEOUT: _wait_subject,
    Alert.Kind.LONG_SERVICE: _service_subject,
    Alert.Kind.QUEUE_LOAD: _load_subject,
    Alert.Kind.ZONE_LOAD: _load_subject,
    Alert.Kind.BAD_REVIEW: _review_subject,
    Alert.Kind.RECTIFY_OVERDUE: _overdue_subject,
    Alert.Kind.SERVICE_LEVEL: _service_level_subject,
}


def alert_subject(alert: Alert) -> str:
    """What the alert is about, in the active language. Rows raised before `subject_params` existed (or whose
    details are not what this code expects) show the text stored when they were raised."""
    params = alert.subject_params
    render = _SUBJECTS.get(alert.kind)
    if not params or not isinstance(params, dict) or render is None:
        return alert.subject
    try:
        return render(alert, params)
    except (KeyError, TypeError, ValueError):
        return alert.subject


def stored_subject(alert: Alert) -> str:
    """The text kept in `subject`: in the centre's language, for the admin and the staff's text messages."""
    with translation.override(settings.LANGUAGE_CODE):
        return alert_subject(alert)[:200]


# What a subject may name (see the module's docstring): screens get these keys only, whatever else a row holds.
_SCREEN_PARAMS = ("number", "queue", "window", "prefix", "name", "measure", "minutes", "target")


def _screen_params(alert: Alert) -> dict:
    params = alert.subject_params if isinstance(alert.subject_params, dict) else {}
    return {key: params[key] for key in _SCREEN_PARAMS if key in params}


def alert_payload(alert: Alert) -> dict:
    """The compact form of an alert sent to screens, in the active language. No personal information: tickets'
    numbers, names of queues and zones, windows' numbers only.

    `subject_params` and `value` are the facts the subject is made of: one message goes to every supervisor's
    screen, so each page fills in the sentence in its own language; `subject` is the fallback for rows without them.
    """
    by = alert.acknowledged_by
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": str(alert.get_kind_display()),
        "severity": alert.severity,
        "state": alert.state,
        "subject": alert_subject(alert),
        "subject_params": _screen_params(alert),
        "value": alert.value,
        "zone_id": alert.zone_id,
        "queue_id": alert.queue_id,
        "window_id": alert.window_id,
        "opened_at": alert.opened_at.isoformat(),
        "acknowledged_by": (by.get_full_name() or by.get_username()) if by else None,
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
    }


# Websocket messages are built once and sent to every supervisor's socket, from whichever thread the change
# committed in (maybe a request in another language): they are written in the centre's language, settings.LANGUAGE_CODE.


def live_alert_summary(*, center_id: int) -> dict:
    """The supervisors' screens' alerts: the first LIVE_SHOWN payloads, how many alerts are live and how many red.

    One query: the counts are window aggregates over all the live alerts, computed before the LIMIT applies.
    """
    rows = list(
        live_alerts(center_id=center_id).annotate(
            live_total=Window(Count("id")),
            live_red=Window(Count("id", filter=Q(severity=Alert.Severity.RED))),
        )[:LIVE_SHOWN]
    )
    with translation.override(settings.LANGUAGE_CODE):
        alerts = [alert_payload(alert) for alert in rows]
    return {
        "alerts": alerts,
        "alerts_total": rows[0].live_total if rows else 0,
        "alerts_red": rows[0].live_red if rows else 0,
    }


def live_alert_counts(*, center_id: int) -> dict:
    counts = Alert.objects.filter(center_id=center_id, state__in=Alert.LIVE_STATES).aggregate(
        alerts_total=Count("id"), alerts_red=Count("id", filter=Q(severity=Alert.Severity.RED))
    )
    return {"alerts_total": counts["alerts_total"] or 0, "alerts_red": counts["alerts_red"] or 0}


def alert_message(*, alert_id: int) -> dict | None:
    """One alert's change, with the centre's counts after it (a screen shows only the head of the list)."""
    alert = Alert.objects.select_related("acknowledged_by").filter(pk=alert_id).first()
    if alert is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        payload = alert_payload(alert)
    return {
        "type": "alert.changed",
        "alert": payload,
        **live_alert_counts(center_id=alert.center_id),
        "generated_at": timezone.now().isoformat(),
    }
