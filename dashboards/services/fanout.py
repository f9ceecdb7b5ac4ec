"""The fan-out: from the queue's events to the screens and phones, out of the clerk's or kiosk's request.

A write's after-commit hook only publishes what happened (`Happened`: a name and ids, a few bytes). A runner takes
what was published in batches and sends, per centre, ONE delta to its screens and, per queue, ONE message to its
phones (dashboards/selectors/deltas.py). It never waits to gather a batch: it takes the first item and whatever else
is already there, so a quiet hall sees each event at once, and at the peak the events that arrive while one batch
is built make the next one (docs/architecture.md, "Fan-out").

Where items go (`settings.HALL_FANOUT`):
- "redis":     a Redis list; the `run_fanout` process sends (production, any number of web workers);
- "inprocess": a queue on the embedded server's own event loop, drained by a task there (the embedded default); a
               process with no such loop (a management command, a test) sends at once, as "inline" does;
- "inline":    sent at once, in the caller's thread (tests).
"""

import asyncio
import json
import logging
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import close_old_connections

from dashboards.selectors.deltas import Happened, center_delta, phone_messages
from dashboards.selectors.groups import evaluator_group, queue_group
from dashboards.services import hub, presence
from dashboards.services.broadcast import center_groups, screen_event
from evaluations.evaluator import evaluator_state

logger = logging.getLogger(__name__)

MAX_BATCH = 500  # items per batch: a backlog is worked off in bounded steps
MAX_BACKLOG = 100_000  # items kept in Redis while no fan-out runs (a day of a large hall); older ones are dropped


def publish(happened: Happened) -> None:
    """Hand `happened` to the fan-out; cheap enough for any request (one Redis command, or a queue put)."""
    mode = settings.HALL_FANOUT
    if mode == "redis":
        key = settings.HALL_FANOUT_KEY
        pipe = hub.redis_client().pipeline(transaction=False)  # one round trip
        pipe.rpush(key, json.dumps(happened.as_dict(), separators=(",", ":")))
        pipe.ltrim(key, -MAX_BACKLOG, -1)
        pipe.execute()
        return
    if mode == "inprocess" and _inbox.put_threadsafe(happened):
        return
    deliver_batch([happened])


@dataclass(frozen=True)
class Outgoing:
    """One channel-layer event for some groups: built in a thread (database reads), sent on the loop."""

    groups: tuple[str, ...]
    event: dict


def build_batch(batch: list[Happened]) -> list[Outgoing]:
    """What one batch sends: per centre with a screen open one delta for its screens, per queue a phone follows one
    message for its phones. A failure for one centre is logged and the others still get theirs; screens that miss a
    delta catch up with the next snapshot."""
    by_center: dict[int, list[Happened]] = {}
    for item in batch:
        by_center.setdefault(item.center_id, []).append(item)
    outgoing = []
    watched = set(presence.watched_center_ids(by_center))
    followed = set(presence.followed_queue_ids({q for item in batch for q in (item.queue_id, item.to_queue_id) if q}))
    for center_id, items in by_center.items():
        try:
            if center_id in watched:
                delta = center_delta(center_id=center_id, batch=items)
                outgoing.append(Outgoing(tuple(center_groups(center_id=center_id, message=delta)), screen_event(delta)))
            # A window's events name no queue: its queues' phones hear of it (it changes their estimate) all the same.
            for_phones = [i for i in items if i.queue_id is None or followed & {i.queue_id, i.to_queue_id}]
            for queue_id, service_date, message, moved in phone_messages(for_phones) if for_phones else ():
                text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))  # once for every phone
                event = {"type": "queue.message", "text": text, "moved": moved}
                outgoing.append(Outgoing((queue_group(queue_id, service_date),), event))
        except Exception:
            logger.exception("fan-out: nothing was sent for centre %s", center_id)
    outgoing.extend(_evaluator_states(batch))
    return outgoing


# What changes an evaluator's screen: a ticket finished at its window (the invitation), a call there (the next
# citizen: the last one's invitation stays until it runs out or is used), and who is signed in to the window.
EVALUATOR_EVENTS = frozenset(
    {"ticket_finished", "ticket_called", "window_opened", "window_handed_over", "window_closed", "ticket_returned"}
)


def _evaluator_states(batch: list[Happened]) -> list[Outgoing]:
    """The whole state of every connected evaluator whose window the batch touched: one read per window."""
    window_ids = {item.window_id for item in batch if item.window_id and item.event in EVALUATOR_EVENTS}
    outgoing = []
    for window_id in presence.evaluated_window_ids(sorted(window_ids)) if window_ids else ():
        try:
            state = evaluator_state(window_id=window_id)
        except Exception:
            logger.exception("fan-out: nothing was sent to the evaluator of window %s", window_id)
            continue
        outgoing.append(Outgoing((evaluator_group(window_id),), screen_event(state)))
    return outgoing


async def send_all(outgoing: list[Outgoing]) -> None:
    """Through the hub: one delivery per socket server process for each group."""
    for item in outgoing:
        try:
            hub.publish(item.groups, item.event)
        except Exception:
            logger.exception("fan-out: sending to %s failed", ", ".join(item.groups))


def deliver_batch(batch: list[Happened]) -> None:
    """Build and send one batch now, from sync code (the "inline" mode)."""
    outgoing = build_batch(batch)
    if outgoing:
        async_to_sync(send_all)(outgoing)


# --- Runners ------------------------------------------------------------------------------------------------------

# Batches are built in one thread of their own, in order, with one database connection that lives as long as the
# runner; the loop only waits for the result and sends it.
_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fanout")


def _build_in_thread(batch: list[Happened]) -> list[Outgoing]:
    close_old_connections()  # a connection the database dropped, or older than CONN_MAX_AGE, is opened again
    return build_batch(batch)


async def run(take_batch, *, min_interval: float | None = None) -> None:
    """Send batches until `take_batch(timeout)` says stop (None); it waits up to `timeout` seconds (None: as long as
    it takes) for the next items, and gives an empty list when the time ran out.

    A centre's screens get at most one delta per `min_interval` (HALL_FANOUT_MIN_INTERVAL): the first event after a
    quiet moment goes out at once, and the events that come in the interval after it wait for its end and go out
    together, so at the peak a socket server writes a few deltas a second to each screen, not one per event."""
    interval = settings.HALL_FANOUT_MIN_INTERVAL if min_interval is None else min_interval
    loop = asyncio.get_running_loop()
    held: dict[int, list[Happened]] = {}  # centre → items waiting for the end of its interval
    last_sent: dict[int, float] = {}
    while True:
        now = loop.time()
        timeout = max(0.0, min(last_sent[c] + interval for c in held) - now) if held else None
        try:
            batch = await take_batch(timeout)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("fan-out: reading the next batch failed; trying again in 1 s")
            await asyncio.sleep(1)
            continue
        stopping = batch is None
        for item in batch or ():
            held.setdefault(item.center_id, []).append(item)
        now = loop.time()
        due = [c for c in held if stopping or now - last_sent.get(c, -math.inf) >= interval]
        if due:
            for center_id in due:
                last_sent[center_id] = now
            items = [item for center_id in due for item in held.pop(center_id)]
            await send_all(await loop.run_in_executor(_builder, _build_in_thread, items))
        if stopping:  # asked to stop, after everything published before
            return


class _Inbox:
    """The embedded server's queue of items, on its event loop; publishers in other threads put thread-safely."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None

    def open(self) -> None:
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._queue = asyncio.Queue()

    def close(self) -> None:
        with self._lock:
            self._loop = self._queue = None

    def put_threadsafe(self, item: Happened) -> bool:
        with self._lock:
            loop, queue = self._loop, self._queue
        if loop is None or queue is None or loop.is_closed():
            return False
        loop.call_soon_threadsafe(queue.put_nowait, item)
        return True

    def stop_threadsafe(self) -> None:
        """Let the runner send what was published before, then return (a cancel could cut a send in half)."""
        with self._lock:
            loop, queue = self._loop, self._queue
        if loop is not None and queue is not None and not loop.is_closed():
            loop.call_soon_threadsafe(queue.put_nowait, _STOP)

    async def take_batch(self, timeout: float | None = None) -> list[Happened] | None:
        queue = self._queue
        batch = []
        while not batch or (len(batch) < MAX_BATCH and not queue.empty()):
            if not batch:
                try:
                    item = await asyncio.wait_for(queue.get(), timeout)
                except TimeoutError:
                    return []
            else:
                item = queue.get_nowait()
            if item is _STOP:
                if batch:  # send these first; stop on the next call
                    queue.put_nowait(_STOP)
                    return batch
                return None
            batch.append(item)
        return batch


_STOP = object()


_inbox = _Inbox()


async def run_inprocess() -> None:
    """The embedded server's runner, started on its loop (hall/inprocess.py)."""
    _inbox.open()
    try:
        await run(_inbox.take_batch)
    finally:
        _inbox.close()


# While a centre is held, the list is read this often: Redis wakes a blocked BLPOP only at its own timer (10 times a
# second by default), so a wait shorter than that is timed here and the list read without blocking.
HELD_POLL_SECONDS = 0.02


def redis_wait(timeout: float | None, *, idle_timeout: float) -> tuple[str, float]:
    """How to wait `timeout` seconds (None: until something comes) for the next items: ("block", seconds) for a
    BLPOP, or ("poll", seconds) to sleep that long and then read what came without blocking."""
    if timeout is None or timeout >= idle_timeout:
        return "block", idle_timeout
    return "poll", max(0.0, min(timeout, HELD_POLL_SECONDS))


async def run_from_redis(*, idle_timeout: float = 5.0) -> None:
    """The `run_fanout` process: takes the items the web workers pushed to the Redis list."""
    import redis.asyncio
    import redis.exceptions

    client = redis.asyncio.Redis.from_url(settings.REDIS_URL, socket_keepalive=True)
    key = settings.HALL_FANOUT_KEY
    away = False

    async def take_batch(timeout: float | None = None) -> list[Happened]:
        nonlocal away
        try:
            how, seconds = redis_wait(timeout, idle_timeout=idle_timeout)
            if how == "poll":
                await asyncio.sleep(seconds)
                raw = await client.lpop(key, MAX_BATCH) or []
            else:
                first = await client.blpop([key], timeout=seconds)
                if first is None:
                    return []
                raw = [first[1], *(await client.lpop(key, MAX_BATCH - 1) or [])]
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            # Redis restarts: wait for it. Events of the outage were not published; screens catch up from the
            # snapshot they get when they reconnect.
            if not away:
                logger.warning("fan-out: Redis is unavailable; waiting for it")
            away = True
            await asyncio.sleep(1)
            return []
        if away:
            logger.warning("fan-out: Redis is back")
            away = False
        return [Happened(**json.loads(item)) for item in raw]

    try:
        await run(take_batch)
    finally:
        await client.aclose()
