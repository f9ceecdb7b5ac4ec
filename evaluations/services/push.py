"""The push of reviews to the provincial platform (好差评 results upward). Each review becomes a delivery when it is
given (after commit); a worker sends the due deliveries every minute as signed JSON and keeps trying with back-off
until the platform takes it or HALL_PROVINCE_PUSH_MAX_ATTEMPTS is spent, then leaves it in the dead-letter list for
someone to send again from the admin. The interface is documented in docs/domain.md ("Push to the province").

A request: POST HALL_PROVINCE_PUSH_URL, body the delivery's payload as compact JSON, headers
`X-Hall-Idempotency-Key` (the same on every attempt), `X-Hall-Timestamp` (Unix seconds) and `X-Hall-Signature`
(hex HMAC-SHA256 with HALL_PROVINCE_PUSH_SECRET of "<timestamp>.<body>"). 2xx or 409 (a repeat the platform
already has) is delivered; another 4xx is refused for good (dead at once: sending it again would be refused again);
5xx, a timeout or no connection is tried again."""

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evaluations.models import PushDelivery, Review

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
BATCH = 200
MAX_BACKOFF = datetime.timedelta(hours=6)


def push_enabled() -> bool:
    return bool(settings.HALL_PROVINCE_PUSH_URL)


def review_payload(review: Review) -> dict:
    """What the platform receives of a review: codes and figures, no personal information of the citizen."""
    return {
        "event": "rated",
        "source": settings.HALL_PROVINCE_PUSH_SOURCE,
        "review_id": review.pk,
        "subject": "ticket" if review.ticket_id else "case",
        "subject_id": review.ticket_id or review.case_id,
        "stage": review.stage,
        "channel": review.channel,
        "level": review.level,
        "scores": review.scores,
        "tags": review.tags,
        "comment": review.comment,
        "is_default": review.is_default,
        "center_code": review.center.code,
        "department_code": getattr(review.department, "code", "") or "",
        "matter_code": getattr(review.matter, "implementation_code", "") or "",
        "window_number": review.window.number if review.window_id else None,
        "served_at": review.served_at.isoformat(),
        "rated_at": review.rated_at.isoformat(),
    }


def push_enqueue(*, review_ids: list[int]) -> int:
    """Make a delivery of each review (once: the key is the review's). Nothing while the push is off."""
    if not push_enabled() or not review_ids:
        return 0
    now = timezone.now()
    reviews = Review.objects.filter(pk__in=review_ids).select_related("center", "department", "matter", "window")
    deliveries = [
        PushDelivery(
            key=f"{settings.HALL_PROVINCE_PUSH_SOURCE}:review:{review.pk}",
            review=review,
            payload=review_payload(review),
            created_at=now,
            next_attempt_at=now,
        )
        for review in reviews
    ]
    PushDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def push_enqueue_exclusion(*, review: Review, at: datetime.datetime) -> None:
    """Tell the platform that an upheld appeal took a review out of the statistics (once per review)."""
    if not push_enabled():
        return
    payload = {
        "event": "excluded",
        "source": settings.HALL_PROVINCE_PUSH_SOURCE,
        "review_id": review.pk,
        "excluded_at": at.isoformat(),
    }
    PushDelivery.objects.bulk_create(
        [
            PushDelivery(
                key=f"{settings.HALL_PROVINCE_PUSH_SOURCE}:review:{review.pk}:excluded",
                review=review,
                payload=payload,
                created_at=at,
                next_attempt_at=at,
            )
        ],
        ignore_conflicts=True,
    )


def signature(body: bytes, timestamp: str) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(settings.HALL_PROVINCE_PUSH_SECRET.encode(), message, hashlib.sha256).hexdigest()


def push_due(*, now: datetime.datetime | None = None) -> str:
    """Send the deliveries that are due (each claimed under a row lock, so two workers never send one twice)."""
    if not push_enabled():
        return "off"
    now = now or timezone.now()
    sent = failed = 0
    due = PushDelivery.objects.filter(status=PushDelivery.Status.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    for pk in list(due.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            delivery = (
                PushDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=PushDelivery.Status.PENDING, next_attempt_at__lte=now)
                .first()
            )
            if delivery is None:
                continue
            ok = _attempt(delivery, now=now)
        sent += ok
        failed += not ok
    return f"{sent} sent, {failed} not yet"


def _attempt(delivery: PushDelivery, *, now: datetime.datetime) -> bool:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        settings.HALL_PROVINCE_PUSH_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Hall-Idempotency-Key": delivery.key,
            "X-Hall-Timestamp": timestamp,
            "X-Hall-Signature": signature(body, timestamp),
        },
    )
    delivery.attempts += 1
    retry, error = True, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as refusal:
        status = refusal.code
    except (urllib.error.URLError, http.client.HTTPException, TimeoutError, OSError, ValueError) as trouble:
        # No answer, or one that is not HTTP: tried again, like a 5xx (a garbled reply must not block the queue).
        status, error = None, f"{type(trouble).__name__}: {trouble}"
    if status is not None and (200 <= status < 300 or status == 409):
        delivery.status, delivery.sent_at, delivery.last_error = PushDelivery.Status.SENT, now, ""
        delivery.save(update_fields=["status", "sent_at", "last_error", "attempts"])
        return True
    if status is not None:
        error = f"HTTP {status}"
        retry = status >= 500 or status == 429
    delivery.last_error = error[:500]
    if not retry or delivery.attempts >= settings.HALL_PROVINCE_PUSH_MAX_ATTEMPTS:
        delivery.status = PushDelivery.Status.DEAD
        logger.warning("push %s given up after %d attempts: %s", delivery.key, delivery.attempts, error)
    else:
        wait = datetime.timedelta(seconds=settings.HALL_PROVINCE_PUSH_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1))
        delivery.next_attempt_at = now + min(wait, MAX_BACKOFF)
    delivery.save(update_fields=["status", "last_error", "attempts", "next_attempt_at"])
    return False


@transaction.atomic
def push_resend(*, deliveries) -> int:
    """Send dead letters again from the first attempt (the admin's action)."""
    return PushDelivery.objects.filter(pk__in=[d.pk for d in deliveries], status=PushDelivery.Status.DEAD).update(
        status=PushDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
