"""What the kiosk (取号机) shows: the queues by zone with their state now, the pinyin search index over queues and
matters, Reads only; issuing goes through `services.ticket_issue`."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from centers.models import Center, Zone
from centers.workdays import is_working_day
from matters.models import Matter
from matters.pinyin import pinyin_keys
from queueing.models import Queue
from queueing.selectors.intake import INTAKE_OPEN, queue_intake_said
from queueing.selectors.position import QueueWait, queue_waits

# The on-screen letter keyboard, laid out as on the phones people type pinyin on.
KEYBOARD_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


@dataclass(frozen=True)
class QueueChoice:
    """A queue as a button: whether it gives numbers now and, when not, the short reason shown on it."""

    queue: Queue
    state: str
    note: str
    wait: QueueWait | None = None  # the wait before taking a number, when the page shows it

    @property
    def is_open(self) -> bool:
        return self.state == INTAKE_OPEN


@dataclass(frozen=True)
class ZoneChoice:
    zone: Zone
    queues: list[QueueChoice]


@dataclass(frozen=True)
class SearchEntry:
    """One thing the search can find: a queue, or a matter in one queue that serves it."""

    key: str
    kind: str  # "queue" or "matter"
    name: str
    choice: QueueChoice
    matter: Matter | None
    initials: str
    syllables: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "name": self.name,
            "queue": self.choice.queue.pk,
            "matter": self.matter.pk if self.matter else None,
            "initials": self.initials,
            "pinyin": "".join(self.syllables),
            "syllables": self.syllables,
        }


def queue_choice(
    queue: Queue, *, now: datetime | None = None, working_day: bool | None = None, wait: QueueWait | None = None
) -> QueueChoice:
    """The state a queue's button shows (kiosk, station, portal), by the rule `ticket_issue` refuses with."""
    intake = queue_intake_said(queue, now=now, working_day=working_day)
    return QueueChoice(queue, intake.state, intake.note, wait)


def queue_choices(queues, *, now: datetime | None = None) -> list[QueueChoice]:
    """Buttons for `queues` with the wait before taking a number in each: a fixed number of reads for any number
    of queues (the portal lists a city's)."""
    queues = list(queues)
    now = now or timezone.now()
    working_day = is_working_day(timezone.localdate(now))
    waits = queue_waits(queues=queues)
    return [queue_choice(q, now=now, working_day=working_day, wait=waits[q.pk]) for q in queues]


def kiosk_zones(*, center: Center, now: datetime | None = None) -> list[ZoneChoice]:
    """The centre's zones in order, each with its queues; zones without queues are left out."""
    zones = list(center.zones.prefetch_related("queues").order_by("sort_order", "code"))
    choices = iter(queue_choices([queue for zone in zones for queue in zone.queues.all()], now=now))
    result = []
    for zone in zones:
        queues = [next(choices) for _queue in zone.queues.all()]
        if queues:
            result.append(ZoneChoice(zone, queues))
    return result


def search_index(*, zones: list[ZoneChoice]) -> list[SearchEntry]:
    """Every queue of the kiosk, then every active matter once per queue of the kiosk that serves it."""
    choices = [choice for zone in zones for choice in zone.queues]
    entries = []
    for choice in choices:
        initials, syllables = pinyin_keys(choice.queue.name)
        entries.append(
            SearchEntry(f"q{choice.queue.pk}", "queue", choice.queue.name, choice, None, initials, syllables)
        )
    by_queue = {choice.queue.pk: choice for choice in choices}
    links = (
        Queue.matters.through.objects.filter(queue_id__in=by_queue, matter__is_active=True)
        .select_related("matter")
        .order_by("matter__name", "queue__sort_order", "queue__prefix")
    )
    keys: dict[int, tuple[str, list[str]]] = {}
    for link in links:
        matter = link.matter
        if matter.pk not in keys:
            keys[matter.pk] = pinyin_keys(matter.name)
        initials, syllables = keys[matter.pk]
        entries.append(
            SearchEntry(
                f"m{matter.pk}-q{link.queue_id}",
                "matter",
                matter.name,
                by_queue[link.queue_id],
                matter,
                initials,
                syllables,
            )
        )
    return entries
