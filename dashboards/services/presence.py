"""Which centres have a screen open, which queues a citizen's phone follows, which windows have an evaluator: the
periodic snapshots and the fan-out's deltas are built for those centres only (a city's community stations mostly have
none), the phones' queue messages for those queues only (most numbers are taken with no phone following them), the
evaluators' states for those windows only. Sockets mark what they watch on connect and with their pings; the mark
lapses a minute after the last one went quiet."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

WATCH_SECONDS = 60  # screens ping every 10 s
# How often one socket renews the mark: a hall of screens writes a few times a minute, not at every ping.
RENEW_SECONDS = 20


def _key(center_id: int) -> str:
    return f"screens:watching:{center_id}"


def _queue_key(queue_id: int) -> str:
    return f"phones:following:{queue_id}"


def _evaluator_key(window_id: int) -> str:
    return f"evaluators:at:{window_id}"


def _mark(key: str) -> None:
    try:
        cache.set(key, 1, timeout=WATCH_SECONDS)
    except Exception:  # the cache is away: the jobs then build for everything, so nothing goes dark
        logger.warning("socket presence not recorded: the cache is unavailable")


def _marked(ids, key) -> list[int]:
    """The ids of `ids` whose mark is set; all of them when the cache cannot tell."""
    ids = list(ids)
    try:
        marked = cache.get_many([key(pk) for pk in ids])
    except Exception:
        logger.warning("socket presence unknown: the cache is unavailable; building for every one")
        return ids
    return [pk for pk in ids if key(pk) in marked]


def mark_watched(center_id: int) -> None:
    _mark(_key(center_id))


def watched_center_ids(center_ids) -> list[int]:
    """The centres of `center_ids` with a screen open."""
    return _marked(center_ids, _key)


def mark_followed(queue_id: int) -> None:
    """A phone follows a ticket of `queue_id`."""
    _mark(_queue_key(queue_id))


def followed_queue_ids(queue_ids) -> list[int]:
    """The queues of `queue_ids` that a phone follows."""
    return _marked(queue_ids, _queue_key)


def mark_evaluating(window_id: int) -> None:
    """An evaluator at `window_id` is connected."""
    _mark(_evaluator_key(window_id))


def evaluated_window_ids(window_ids) -> list[int]:
    """The windows of `window_ids` with an evaluator connected."""
    return _marked(window_ids, _evaluator_key)
