"""Sending messages to citizens: the outbox is written in the caller's transaction, delivered after it commits.

    notification_send(template="ticket_called", mobile=ticket.mobile,
                      context={"number": ticket.number, "window": window.number},
                      event_key=f"ticket:{ticket.pk}:called")

Delivery never fails the caller: it runs after commit (in a Celery worker, or in-process when the hall is embedded),
failures are recorded on the row and retried with exponential back-off, and a periodic job (`notifications.retry_due`)
picks up whatever is due: back-off elapsed in embedded mode, a broker that was down, a worker that died mid-send.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hall import identity, pii
from hall.locks import lock_for_transaction

from . import backends, selectors
from .errors import NotificationError, PermanentDeliveryError
from .models import MessageTemplate, Notification

logger = logging.getLogger(__name__)

# A retry scheduled by Celery may run a little before the time the row says; it still counts as due.
EARLY_TOLERANCE = datetime.timedelta(seconds=5)


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # "sent", "retry", "failed" or "skipped" (not queued, not due, or being sent by someone else)
    retry_in: float | None = None  # seconds until the next attempt, when outcome is "retry"


def template_render(*, code: str, context: dict, channel: str | None = None) -> str:
    """The text of template `code` filled with `context` (for voice and screen texts as well as SMS).

    Raises UnknownTemplate, TemplateRenderError (a placeholder without a value), or NotificationError when the
    template belongs to another channel than `channel`.
    """
    template = selectors.template_get(code=code)
    if channel is not None and template.channel != channel:
        raise NotificationError(f"Template {code!r} is a {template.channel} template, not {channel}.")
    return template.render(context)


@transaction.atomic
def notification_send(
    *, template: str, mobile: str, context: dict, event_key: str | None = None
) -> Notification | None:
    """Queue an SMS from `template` to `mobile`; it is delivered once the caller's transaction commits.

    Returns the outbox row; for an `event_key` already used, the row of that event (nothing more is sent);
    None when there is nothing to send (no mobile number given, or the template is switched off). A message over
    the recipient's rate limit is stored as suppressed and not sent. Raises UnknownTemplate / TemplateRenderError
    for programming errors and ValidationError for a malformed mobile number, before anything is written.
    """
    message_template = selectors.template_get(code=template)
    if message_template.channel != MessageTemplate.Channel.SMS:
        raise NotificationError(f"Template {template!r} is a {message_template.channel} template, not an SMS.")
    text = message_template.render(context)
    if not mobile:
        return None
    number = identity.validate_mobile(mobile)
    if event_key and (existing := Notification.objects.filter(event_key=event_key).first()):
        return existing
    if not message_template.active:
        logger.info("SMS template %s is switched off: nothing sent", template)
        return None

    mobile_hash = pii.blind_index("mobile", number)
    _lock_recipient(mobile_hash)
    now = timezone.now()
    reached = selectors.rate_limit_reached(mobile_hash=mobile_hash, template=template, now=now)
    fields = {
        "channel": Notification.Channel.SMS,
        "mobile": number,
        "template": template,
        "text": text,
        "event_key": event_key or None,
    }
    if reached:
        fields.update(status=Notification.Status.SUPPRESSED, last_error=f"Rate limit: {reached[0]} per {reached[1]} s.")
    else:
        fields.update(status=Notification.Status.QUEUED, next_attempt_at=now)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(**fields)
    except IntegrityError:
        if not event_key:
            raise
        return Notification.objects.get(event_key=event_key)  # the same event, sent concurrently

    if reached:
        logger.info(
            "SMS #%s (%s) to %s suppressed: at most %s per %s s",
            notification.pk,
            template,
            identity.mask_mobile(number),
            *reached,
        )
    else:
        transaction.on_commit(partial(dispatch, notification.pk))
    return notification


# How a committed notification leaves: the `notifications.deliver` task, registered by the app at start-up (the task
# module calls these services, so they do not import it back).
_deliver_later: Callable[[int], object] | None = None


def register_delivery(deliver_later: Callable[[int], object]) -> None:
    global _deliver_later
    _deliver_later = deliver_later


def dispatch(notification_id: int) -> None:
    """Hand the notification to delivery; never raises (the retry job is the safety net)."""
    try:
        if _deliver_later is None:
            raise LookupError("no delivery registered")
        _deliver_later(notification_id)
    except Exception:
        logger.exception("SMS #%s could not be handed to delivery; notifications.retry_due will", notification_id)


def notification_deliver(*, notification_id: int) -> DeliveryResult:
    """One delivery attempt of a queued notification, recorded on the row. Never raises a backend's error.

    The attempt is claimed first with a conditional update (status queued and due), so a notification already
    sent, or being sent by another worker, is skipped: two tasks for the same row send one message.
    """
    path = backends.backend_path()
    backend = backends.get_backend(path)  # a misconfigured backend raises here, before the row is touched
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_TOLERANCE))
        .update(
            attempts=F("attempts") + 1,
            # A lease: if this attempt never reports back, the row becomes due again after the send timeout.
            next_attempt_at=now + datetime.timedelta(seconds=settings.HALL_SMS_SEND_TIMEOUT),
            backend=path,
        )
    )
    if not claimed:
        return DeliveryResult("skipped")
    notification = Notification.objects.get(pk=notification_id)
    try:
        message_id = backend.send(mobile=notification.mobile, text=notification.text, notification_id=notification.pk)
    except PermanentDeliveryError as error:
        return _record_failure(notification, error, final=True)
    except Exception as error:  # DeliveryError, or anything unexpected from a gateway library: worth another try
        return _record_failure(notification, error, final=notification.attempts >= settings.HALL_SMS_MAX_ATTEMPTS)
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.QUEUED).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id=str(message_id or "")[:200],
        next_attempt_at=None,
    )
    logger.info("SMS #%s (%s) to %s sent", notification.pk, notification.template, notification.masked_mobile)
    return DeliveryResult("sent")


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: HALL_SMS_RETRY_BACKOFF doubled each time, capped."""
    delay = settings.HALL_SMS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return float(min(delay, settings.HALL_SMS_RETRY_BACKOFF_MAX))


def _record_failure(notification: Notification, error: Exception, *, final: bool) -> DeliveryResult:
    detail = f"{type(error).__name__}: {error}".replace(notification.mobile, notification.masked_mobile)[:500]
    rows = Notification.objects.filter(pk=notification.pk, status=Notification.Status.QUEUED)
    if final:
        rows.update(status=Notification.Status.FAILED, last_error=detail, next_attempt_at=None)
        logger.warning(
            "SMS #%s to %s failed after %s attempt(s): %s",
            notification.pk,
            notification.masked_mobile,
            notification.attempts,
            detail,
        )
        return DeliveryResult("failed")
    delay = retry_delay(notification.attempts)
    rows.update(last_error=detail, next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay))
    logger.warning(
        "SMS #%s to %s: attempt %s failed, next in %g s: %s",
        notification.pk,
        notification.masked_mobile,
        notification.attempts,
        delay,
        detail,
    )
    return DeliveryResult("retry", retry_in=delay)


def notification_retry_due(*, limit: int = 100) -> int:
    """Hand every due queued notification (up to `limit`) to delivery; the periodic job `notifications.retry_due`."""
    ids = list(selectors.notifications_due(now=timezone.now()).values_list("pk", flat=True)[:limit])
    for notification_id in ids:
        dispatch(notification_id)
    return len(ids)


@transaction.atomic
def notification_retry(*, notification_ids) -> int:
    """Queue failed notifications again with a fresh set of attempts (the admin's "retry sending"); returns how many."""
    ids = list(
        Notification.objects.filter(pk__in=list(notification_ids), status=Notification.Status.FAILED).values_list(
            "pk", flat=True
        )
    )
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    for notification_id in ids:
        transaction.on_commit(partial(dispatch, notification_id))
    return len(ids)


def _lock_recipient(mobile_hash: str) -> None:
    """Serialise sends to one recipient until commit, so that concurrent sends cannot both slip under a rate limit.

    SQLite needs nothing: the hall opens its transactions IMMEDIATE, so writers are serialised already.
    """
    lock_for_transaction(f"sms:{mobile_hash}")
