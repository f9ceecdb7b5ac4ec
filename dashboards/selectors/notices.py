"""The notices a calling display shows beside the calls (dashboards.models.DisplayNotice)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dashboards.models import DisplayNotice


def shown_notices():
    """Notices that are switched on and in their time window now."""
    now = timezone.now()
    return DisplayNotice.objects.filter(active=True).filter(
        Q(shown_from__isnull=True) | Q(shown_from__lte=now), Q(shown_until__isnull=True) | Q(shown_until__gt=now)
    )


def display_notices(*, center_id: int, zone_id: int | None = None) -> list[dict]:
    """What one display shows, in order: the centre's notices for every display and, on a zone's display, that
    zone's own. One query. The file's address changes with the notice, so a display never shows a stale cached one."""
    rows = shown_notices().filter(center_id=center_id)
    rows = rows.filter(Q(zone__isnull=True) | Q(zone_id=zone_id)) if zone_id else rows.filter(zone__isnull=True)
    notices = []
    for notice in rows.order_by("sort_order", "id"):
        if notice.kind != DisplayNotice.Kind.TEXT and not notice.file:
            continue
        notices.append(
            {
                "id": notice.id,
                "kind": notice.kind,
                "title": notice.title,
                "text": notice.text,
                "seconds": notice.seconds,
                "src": (
                    f"{reverse('dashboards:notice_file', args=[notice.id])}?v={int(notice.updated_at.timestamp())}"
                    if notice.file
                    else ""
                ),
            }
        )
    return notices
