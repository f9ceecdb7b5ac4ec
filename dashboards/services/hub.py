"""The screens' hub: one delivery per process, not one per socket.

A delta for a centre goes out once (`publish`): with Redis, one PUBLISH per group, which every socket server process
hears on the one pattern subscription it holds; embedded, straight to the sockets of the server's own loop. Each
process then hands the message to its own sockets of that group. Through the channel layer, the same delta was
copied once per socket through Redis: 1,000 displays at 20 calls a second were 20,000 Redis deliveries a second into
one process.

Pub/sub keeps nothing for a process that is not listening: while Redis is away, messages are lost, and the screens
catch up from the next snapshot (every few seconds, through the same hub). A socket joins only once its process
listens, so a screen that has just read its snapshot misses nothing after it.
"""

import asyncio
import json
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

# How long a socket waits for its process to listen before it is refused (the screen then reconnects by itself).
LISTEN_WAIT_SECONDS = 5.0
# How long one build of a group's snapshot may serve the sockets that join after it, when no message came between.
SNAPSHOT_SHARED_SECONDS = 2.0


class Member(Protocol):
    """A socket of the hub: takes a message without waiting (it queues it for its own writer)."""

    def hub_deliver(self, event: dict) -> None: ...


def _channel(group: str) -> str:
    return f"{settings.HALL_SCREENS_PREFIX}{group}"


def uses_redis() -> bool:
    return bool(settings.REDIS_URL)


class _LoopHub:
    """The sockets of one event loop (one server process; a test may run several loops), by group."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.members: dict[str, set[Member]] = {}
        self.listening = asyncio.Event()
        self.listener: asyncio.Task | None = None
        self.deliveries: dict[str, int] = {}  # group → messages delivered so far: what a shared snapshot predates
        self.snapshots: dict[str, tuple[asyncio.Task, int, float]] = {}  # group → (build, deliveries, started)

    def deliver(self, group: str, event: dict) -> None:
        self.deliveries[group] = self.deliveries.get(group, 0) + 1
        for member in tuple(self.members.get(group, ())):
            try:
                member.hub_deliver(event)
            except Exception:
                logger.exception("screens hub: a socket of %s refused a message", group)

    def deliver_raw(self, channel: bytes, data: bytes) -> None:
        group = channel.decode()[len(settings.HALL_SCREENS_PREFIX) :]
        if self.members.get(group):  # decoded once per process, and only for groups with a socket here
            self.deliver(group, json.loads(data))

    def ensure_listening(self) -> None:
        if uses_redis() and (self.listener is None or self.listener.done()):
            self.listener = self.loop.create_task(self._listen())
        elif not uses_redis():
            self.listening.set()

    async def _listen(self) -> None:
        """Hold the process's one pattern subscription; after a lost connection, subscribe again."""
        import redis.asyncio
        import redis.exceptions

        pattern = f"{settings.HALL_SCREENS_PREFIX}*"
        away = False
        while True:
            client = redis.asyncio.Redis.from_url(settings.REDIS_URL, socket_keepalive=True, socket_connect_timeout=2)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.psubscribe(pattern)
                    self.listening.set()
                    if away:
                        logger.warning("screens hub: Redis is back")
                        away = False
                    async for message in pubsub.listen():
                        if message and message.get("type") == "pmessage":
                            self.deliver_raw(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                if not away:
                    logger.warning("screens hub: Redis is unavailable; screens catch up when it is back")
                away = True
            except Exception:
                logger.exception("screens hub: listening failed; listening again")
            finally:
                self.listening.clear()
                await client.aclose()
            await asyncio.sleep(1)


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopHub]" = weakref.WeakKeyDictionary()
_hubs_lock = threading.Lock()


def _hub() -> _LoopHub:
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = _LoopHub(loop)
    return hub


async def join(group: str, member: Member) -> bool:
    """Add a socket to `group` once its process listens; False when it could not listen in time."""
    hub = _hub()
    hub.ensure_listening()
    try:
        await asyncio.wait_for(hub.listening.wait(), LISTEN_WAIT_SECONDS)
    except TimeoutError:
        return False
    hub.members.setdefault(group, set()).add(member)
    return True


def shared_snapshot(group: str, build: Callable[[], Awaitable[str]]) -> Awaitable[str]:
    """The snapshot of `group` for a socket that has just joined it: one build for all the sockets that join while
    it runs and until the group's next message (a hall's screens reconnecting together after a restart read the
    database once, not once each). A build that predates a message of the group is never handed out again; nor one
    older than `SNAPSHOT_SHARED_SECONDS`, as waits and elapsed times move without messages."""
    hub = _hub()
    now, delivered = hub.loop.time(), hub.deliveries.get(group, 0)
    entry = hub.snapshots.get(group)
    if entry is not None:
        task, delivered_then, started = entry
        fresh = delivered_then == delivered and now - started < SNAPSHOT_SHARED_SECONDS
        if fresh and not (task.done() and task.exception() is not None):
            return asyncio.shield(task)
    task = hub.loop.create_task(build())
    hub.snapshots[group] = (task, delivered, now)
    return asyncio.shield(task)


def listening() -> bool:
    """Whether this process hears what is published (always, embedded)."""
    return _hub().listening.is_set()


def leave(group: str, member: Member) -> None:
    hub = _hub()
    members = hub.members.get(group)
    if members is not None:
        members.discard(member)
        if not members:  # a phone's group lives a day: forget it with its last socket
            del hub.members[group]
            hub.deliveries.pop(group, None)
            hub.snapshots.pop(group, None)


def publish(groups, event: dict) -> None:
    """Send `event` to the sockets of `groups` in every process: from any thread, sync or on a loop."""
    if uses_redis():
        data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        pipeline = redis_client().pipeline(transaction=False)  # one round trip for all the groups
        for group in groups:
            pipeline.publish(_channel(group), data)
        pipeline.execute()
        return
    with _hubs_lock:
        hubs = list(_hubs.values())
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for hub in hubs:
        if hub.loop.is_closed():
            continue
        for group in groups:
            if hub.loop is running:
                hub.deliver(group, event)
            else:
                hub.loop.call_soon_threadsafe(hub.deliver, group, event)


_client = None


def redis_client():
    """One client (and its connection pool) per process for publishing (the screens' hub and the fan-out's list)."""
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _client
