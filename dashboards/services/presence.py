"""Which centres have a screen open: the periodic snapshots and the fan-out's deltas are built for those only (a
city's community stations mostly have none). Screens mark their centre on connect and with their pings; the mark
lapses a minute after the last screen went quiet."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

WATCH_SECONDS = 60  # screens ping every 10 s
# How often one socket renews the mark: a hall of screens writes a few times a minute, not at every ping.
RENEW_SECONDS = 20


def _key(center_id: int) -> str:
    return f"screens:watching:{center_id}"


def mark_watched(center_id: int) -> None:
    try:
        cache.set(_key(center_id), 1, timeout=WATCH_SECONDS)
    except Exception:  # the cache is away: the jobs then build for every centre, so nothing goes dark
        logger.warning("screen presence not recorded: the cache is unavailable")


def watched_center_ids(center_ids) -> list[int]:
    """The centres of `center_ids` with a screen open; all of them when the cache cannot tell."""
    center_ids = list(center_ids)
    try:
        marked = cache.get_many([_key(center_id) for center_id in center_ids])
    except Exception:
        logger.warning("screen presence unknown: the cache is unavailable; building for every centre")
        return center_ids
    return [center_id for center_id in center_ids if _key(center_id) in marked]
