"""Reads of templates and of the outbox."""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from hall import pii

from .errors import UnknownTemplate
from .models import MessageTemplate, Notification


def template_get(*, code: str) -> MessageTemplate:
    """The template `code`; raises UnknownTemplate (naming the known codes) when there is none."""
    try:
        return MessageTemplate.objects.get(code=code)
    except MessageTemplate.DoesNotExist:
        known = ", ".join(MessageTemplate.objects.order_by("code").values_list("code", flat=True)) or "none"
        raise UnknownTemplate(f"No message template has the code {code!r} (known: {known}).") from None


def notifications_to(*, mobile: str) -> QuerySet[Notification]:
    """Every message to `mobile`, found through its blind index (the number itself is stored encrypted)."""
    return Notification.objects.filter(mobile_hash=pii.blind_index("mobile", mobile))


def notifications_due(*, now: datetime.datetime) -> QuerySet[Notification]:
    """Queued messages whose next attempt is due (new ones, back-off elapsed, or an attempt that never reported)."""
    return Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=Notification.Status.QUEUED
    ).order_by("next_attempt_at", "pk")


def rate_limits_for(template: str) -> list[tuple[int, int]]:
    """(count, seconds) pairs: at most `count` messages of `template` to one recipient within `seconds`."""
    return [
        tuple(rule) for rule in settings.HALL_SMS_RATE_LIMITS_BY_TEMPLATE.get(template, settings.HALL_SMS_RATE_LIMITS)
    ]


def rate_limit_reached(*, mobile_hash: str, template: str, now: datetime.datetime) -> tuple[int, int] | None:
    """The first rule of `template` that one more message to this recipient would break, or None.

    Counted from the outbox: every message of the template to the recipient that was not itself suppressed.
    """
    rules = rate_limits_for(template)
    if not rules:
        return None
    longest = max(seconds for _count, seconds in rules)
    windows = {
        f"w{index}": Count("pk", filter=Q(created_at__gt=now - datetime.timedelta(seconds=seconds)))
        for index, (_count, seconds) in enumerate(rules)
    }
    counts = (
        Notification.objects.filter(
            mobile_hash=mobile_hash, template=template, created_at__gt=now - datetime.timedelta(seconds=longest)
        )
        .exclude(status=Notification.Status.SUPPRESSED)
        .aggregate(**windows)
    )
    for index, (count, seconds) in enumerate(rules):
        if counts[f"w{index}"] >= count:
            return count, seconds
    return None
