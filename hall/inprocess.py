"""The embedded hall's periodic jobs and background services, run as asyncio tasks on the server's own event loop.

Services are long-running coroutines an app registers in its ready() (the fan-out of the screens, for one): hall
names no app.

A thread would be simpler to write, but a group_send into the in-memory channel layer from a foreign thread reaches
the sockets only seconds later; from the server's loop it is immediate.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from django.conf import settings

logger = logging.getLogger(__name__)

_started_loops: set[int] = set()
_tasks: list[asyncio.Task] = []
_services: dict[str, Callable[[], Awaitable[None]]] = {}


def register_service(name: str, run: Callable[[], Awaitable[None]]) -> None:
    """`run()` runs for the server's lifetime on its loop in the embedded hall; production runs it elsewhere."""
    _services[name] = run


def _run_task_now(name: str) -> None:
    from hall.celery import app

    app.tasks[name].apply()


FIRST_RUN_AFTER = 5.0  # seconds: a hall restarted in the morning expires yesterday's tickets at once


async def _every(name: str, period: float) -> None:
    await asyncio.sleep(min(period, FIRST_RUN_AFTER))
    while True:
        try:
            await sync_to_async(_run_task_now)(name)
        except Exception:
            logger.exception("in-process job %s failed; it will run again in %.0f s", name, period)
        await asyncio.sleep(period)


def start_periodic_jobs() -> bool:
    """Start the schedule on the running loop, once per loop. Returns whether it started now."""
    if not settings.HALL_INPROCESS_JOBS:
        return False
    loop = asyncio.get_running_loop()
    if id(loop) in _started_loops:
        return False
    _started_loops.add(id(loop))
    from hall.celery import app

    # A worker imports every app's tasks module at start; this process is no worker, so it does so itself.
    app.loader.import_default_modules()
    for name, period in settings.HALL_PERIODIC_JOBS.items():
        _tasks.append(loop.create_task(_every(name, period), name=f"job:{name}"))
    for name, run in _services.items():
        _tasks.append(loop.create_task(run(), name=f"service:{name}"))
    logger.info(
        "in-process periodic jobs started: %s; services: %s",
        ", ".join(settings.HALL_PERIODIC_JOBS),
        ", ".join(_services) or "none",
    )
    return True


async def stop_periodic_jobs() -> None:
    for task in _tasks:
        task.cancel()
    await asyncio.gather(*_tasks, return_exceptions=True)
    _tasks.clear()
    _started_loops.clear()
