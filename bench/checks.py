"""After each scenario, what the database must show whatever the load: no number given twice, no gap in a queue's
numbers, no ticket called twice, no ticket lost, and counters that agree with the tickets."""

from django.db import connection
from django.utils import timezone


def _scalar(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0] or 0)


def database_check(*, center_id: int, issued_ids=(), served_ids=(), drained: bool = False) -> dict:
    from queueing.services.counters import counters_drift

    today = timezone.localdate()
    duplicate_numbers = _scalar(
        "SELECT count(*) FROM (SELECT 1 FROM queueing_ticket WHERE center_id = %s AND status <> 'transferred' "
        "GROUP BY queue_id, service_date, number HAVING count(*) > 1) d",
        [center_id],
    )
    # The daily counter and the tickets: every number taken is a ticket (a rolled-back issue gives its number back).
    gaps = _scalar(
        "SELECT coalesce(sum(c.last_sequence - t.n), 0) FROM queueing_dailycounter c JOIN "
        "(SELECT queue_id, service_date, count(*) n FROM queueing_ticket WHERE center_id = %s "
        "GROUP BY queue_id, service_date) t ON t.queue_id = c.queue_id AND t.service_date = c.service_date",
        [center_id],
    )
    double_calls = _scalar(
        "SELECT count(*) FROM (SELECT e.ticket_id FROM queueing_ticketevent e JOIN queueing_ticket t "
        "ON t.id = e.ticket_id WHERE t.center_id = %s AND e.kind = 'called' GROUP BY e.ticket_id "
        "HAVING count(*) > 1) d",
        [center_id],
    )
    issued = set(issued_ids)
    present = set()
    if issued:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM queueing_ticket WHERE id = ANY(%s)", [list(issued)])
            present = {row[0] for row in cursor.fetchall()}
    lost = len(issued - present)
    served = list(served_ids)
    served_twice = len(served) - len(set(served))
    if drained:  # every window was told nobody waits: a ticket still waiting or left called was lost on the way
        lost += _scalar(
            "SELECT count(*) FROM queueing_ticket WHERE center_id = %s AND status IN ('waiting', 'called')",
            [center_id],
        )
    result = {
        "duplicate_numbers": duplicate_numbers,
        "gaps": gaps,
        "double_calls": double_calls + served_twice,
        "lost": lost,
        "counter_drift": counters_drift(center_id=center_id, service_date=today),
    }
    result["ok"] = not any(result.values())
    return result
