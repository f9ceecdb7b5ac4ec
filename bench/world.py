"""The hall the benchmark runs against, seeded in its own PostgreSQL database: one centre, 20 queues open all day
(today made a working day),
windows that serve every queue with a clerk signed in at each, and device tokens for kiosks and window terminals."""

from dataclasses import dataclass, field

QUEUE_COUNT = 20


@dataclass
class World:
    center_id: int
    queue_ids: list[int]
    window_ids: list[int]
    kiosk_tokens: list[str]
    terminal_tokens: list[str]  # one per window, in window order
    extra: dict = field(default_factory=dict)


def seed(*, windows: int, kiosks: int) -> World:
    from django.utils import timezone

    from accounts.models import StaffMembership, StaffRole, User
    from centers.models import Center, WorkdayOverride, Zone
    from queueing import services
    from queueing.models import Device, Queue, Window

    center = Center.objects.create(code="BENCH", name="基准测试政务服务中心")
    # Today is a working day whatever the date: the issue path reads the calendar as a real hall's does.
    WorkdayOverride.objects.update_or_create(day=timezone.localdate(), defaults={"is_working_day": True})
    zone = Zone.objects.create(center=center, code="Z1", name="综合受理区")
    queues = Queue.objects.bulk_create(
        Queue(
            center=center,
            zone=zone,
            prefix=chr(ord("A") + index),
            name=f"业务{index + 1}",
            opens_at="00:00",
            closes_at="23:59:59",
        )
        for index in range(QUEUE_COUNT)
    )
    # General windows serve every queue of the centre, in one calling order.
    rows = Window.objects.bulk_create(
        Window(center=center, zone=zone, number=number, kind=Window.Kind.GENERAL) for number in range(1, windows + 1)
    )
    terminal_tokens = []
    for window in rows:
        clerk = User.objects.create(username=f"bench-clerk-{window.number}", kind="staff")
        StaffMembership.objects.create(user=clerk, center=center, role=StaffRole.CLERK)
        services.window_sign_in(window=window, clerk=clerk)
        device = Device(center=center, name=f"{window.number}号窗口呼叫器", capabilities=["call"], window=window)
        terminal_tokens.append(services.device_register(device=device))
    kiosk_tokens = [
        services.device_register(device=Device(center=center, name=f"{n}号取号机", capabilities=["issue"]))
        for n in range(1, kiosks + 1)
    ]
    return World(
        center_id=center.pk,
        queue_ids=[queue.pk for queue in queues],
        window_ids=[window.pk for window in rows],
        kiosk_tokens=kiosk_tokens,
        terminal_tokens=terminal_tokens,
    )


def fill_backlog(world: World, *, tickets: int, queues: int) -> None:
    """`tickets` waiting tickets spread over the first `queues` queues, issued as a kiosk issues them."""
    from queueing import services
    from queueing.models import Queue, Ticket

    rows = list(Queue.objects.filter(pk__in=world.queue_ids[:queues]))
    for index in range(tickets):
        services.ticket_issue(queue=rows[index % len(rows)], channel=Ticket.Channel.KIOSK)


TICKET_TABLES = (
    "hall_idempotencyrecord",
    "queueing_ticketevent",
    "queueing_ticket",
    "queueing_dailycounter",
    "queueing_queuehourflow",
    "queueing_windowdayflow",
)


def clear_tickets(world: World, *, attempts: int = 5) -> None:
    """A fresh day for the next scenario: no tickets, counters at zero.

    The hall's workers are still running (screen pushes, scheduled scans): one statement takes every lock at once,
    and a deadlock or lock wait with one of them is waited out and tried again rather than ending the run."""
    import time

    from django.db import OperationalError, connection, transaction

    statement = f"TRUNCATE {', '.join(TICKET_TABLES)} CASCADE"
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '10s'")
                cursor.execute(statement)
            return
        except OperationalError:
            if attempt == attempts:
                raise
            time.sleep(attempt)
