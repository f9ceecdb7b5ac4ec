"""The city overview: every centre of the tree a user may watch on one screen, in a fixed number of queries."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centers.models import Center
from dashboards.models import Alert
from dashboards.selectors import busyness, figures
from queueing.models import QueueingSettings, Window


def _tree_order(centers: list[Center]) -> list[tuple[Center, int]]:
    """Depth-first, parents before children; a centre whose parent is not shown is a root."""
    shown = {c.id for c in centers}
    children: dict[int | None, list[Center]] = {}
    for center in centers:
        children.setdefault(center.parent_id if center.parent_id in shown else None, []).append(center)
    ordered = []

    def walk(parent_id, depth):
        for center in children.get(parent_id, []):
            ordered.append((center, depth))
            walk(center.id, depth + 1)

    walk(None, 0)
    return ordered


def _minutes_since(moment, now) -> float:
    return round((now - moment).total_seconds() / 60, 1) if moment else 0


def city_overview(*, scope: set[int] | None, root_id: int | None = None) -> dict:
    """Today's figures of every centre in `scope` (None: all), or of the subtree of `root_id` within it.

    Six queries, however many centres, windows and tickets there are.
    """
    now = timezone.now()
    today = timezone.localdate()
    centers = Center.objects.only("id", "name", "code", "level", "parent_id").order_by("code")
    if scope is not None:
        centers = centers.filter(id__in=scope)
    centers = list(centers)
    if root_id is not None:
        keep, frontier = {root_id}, {root_id}
        while frontier:  # in memory: the tree is already read
            frontier = {c.id for c in centers if c.parent_id in frontier} - keep
            keep |= frontier
        centers = [c for c in centers if c.id in keep]
    ids = [c.id for c in centers]

    # The day's counters and the open tickets: never a count over every centre's tickets of the day.
    flows = figures.day_flow(center_ids=ids, service_date=today)
    live = figures.open_tickets(center_ids=ids)
    windows = {
        row["center_id"]: row
        for row in Window.objects.filter(center_id__in=ids)
        .values("center_id")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(state=Window.State.OPEN)),
            paused=Count("id", filter=Q(state=Window.State.PAUSED)),
        )
        .order_by()
    }
    alerts = {
        row["center_id"]: row
        for row in Alert.objects.filter(center_id__in=ids, state__in=Alert.LIVE_STATES)
        .values("center_id")
        .annotate(
            red=Count("id", filter=Q(severity=Alert.Severity.RED)),
            yellow=Count("id", filter=Q(severity=Alert.Severity.YELLOW)),
        )
        .order_by()
    }
    settings = {s.center_id: s for s in QueueingSettings.objects.filter(center_id__in=ids)}

    rows = []
    for center, depth in _tree_order(centers):
        flow, t = flows[center.id], live[center.id]
        w = windows.get(center.id, {})
        a = alerts.get(center.id, {})
        waiting, open_windows = t.waiting, w.get("open", 0)
        thresholds = busyness.Thresholds.of(settings.get(center.id) or QueueingSettings(center_id=center.id))
        red, yellow = a.get("red", 0), a.get("yellow", 0)
        rows.append(
            {
                "id": center.id,
                "name": center.name,
                "code": center.code,
                "tier": center.level,
                "tier_label": str(center.get_level_display()),
                "parent_id": center.parent_id,
                "depth": depth,
                "issued": flow.issued,
                "waiting": waiting,
                "called": t.called,
                "in_service": t.in_service,
                "served": flow.served,
                "longest_wait_minutes": _minutes_since(t.oldest_waiting, now),
                "windows_open": open_windows,
                "windows_paused": w.get("paused", 0),
                "windows_total": w.get("total", 0),
                "alerts_red": red,
                "alerts_yellow": yellow,
                # The hall as a whole: its waiting tickets per open window (closed when no window is open).
                "level": busyness.busyness_level(
                    state=Window.State.OPEN if open_windows else Window.State.CLOSED,
                    eligible_waiting=waiting,
                    open_windows=open_windows,
                    serving=bool(t.at_windows),
                    thresholds=thresholds,
                ),
                "warning": Alert.Severity.RED if red else Alert.Severity.YELLOW if yellow else None,
                "screen_url": reverse("dashboards:screen", kwargs={"center_id": center.id}),
            }
        )
    totals = {
        key: sum(r[key] for r in rows)
        for key in (
            "issued",
            "waiting",
            "called",
            "in_service",
            "served",
            "windows_open",
            "alerts_red",
            "alerts_yellow",
        )
    }
    totals["longest_wait_minutes"] = max((r["longest_wait_minutes"] for r in rows), default=0)
    return {"generated_at": now.isoformat(), "centers": rows, "totals": totals, "title": overview_title(rows)}


def overview_title(rows: list[dict]) -> str:
    """Named by what it shows: one centre with the sites below it ("示范区政务服务中心及下属站点"), or how many."""
    roots = [row for row in rows if row["depth"] == 0]
    if len(roots) == 1:
        name = roots[0]["name"]
        return _("%(name)s and the sites below it") % {"name": name} if len(rows) > 1 else name
    return ngettext("Overview of %(count)d centre", "Overview of %(count)d centres", len(rows)) % {"count": len(rows)}
