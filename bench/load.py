"""A closed-loop load client: N workers, each sending its next request when the last one answered, for a while."""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp


@dataclass
class Timings:
    """Latencies (seconds) and statuses of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def add(self, seconds: float, status: int) -> None:
        self.latencies.append(seconds)
        self.statuses[status] += 1

    def summary(self, elapsed: float, ok=(200, 201, 204)) -> dict:
        done = sorted(self.latencies)
        good = sum(count for status, count in self.statuses.items() if status in ok)
        return {
            "requests": len(done),
            "ok": good,
            "per_second": round(good / elapsed, 1) if elapsed else 0.0,
            "p50_ms": percentile_ms(done, 50),
            "p99_ms": percentile_ms(done, 99),
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
        }


def percentile_ms(ordered: list[float], percent: float) -> float | None:
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index] * 1000, 2)


def session(*, connections: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, force_close=False),
        timeout=aiohttp.ClientTimeout(total=60),
        trust_env=False,
    )


async def timed_request(client: aiohttp.ClientSession, timings: Timings, method: str, url: str, **kwargs):
    """(status, JSON body or None), timed into `timings`."""
    started = time.perf_counter()
    async with client.request(method, url, **kwargs) as response:
        body = await response.read()
        timings.add(time.perf_counter() - started, response.status)
        if response.content_type == "application/json" and body:
            return response.status, await response.json(content_type=None)
        return response.status, None


async def closed_loop(
    workers: int, seconds: float, step: Callable[[int, aiohttp.ClientSession], Awaitable[bool]], *, connections=None
) -> float:
    """Run `step(worker, client)` in `workers` loops until `seconds` pass or every loop's step returned False;
    returns the elapsed time."""
    deadline = time.perf_counter() + seconds
    async with session(connections=connections or workers) as client:

        async def loop(worker: int) -> None:
            while time.perf_counter() < deadline:
                if not await step(worker, client):
                    return

        started = time.perf_counter()
        await asyncio.gather(*(loop(worker) for worker in range(workers)))
        return time.perf_counter() - started


async def open_loop(
    rate: float, seconds: float, send: Callable[[int, aiohttp.ClientSession], Awaitable], *, connections: int = 64
) -> float:
    """Start `rate` requests a second for `seconds`, each when it is due whether or not the earlier ones answered:
    the latency at a given arrival rate, where a closed loop measures the most the server takes. Returns the elapsed
    time once every request answered."""
    interval = 1 / rate
    async with session(connections=connections) as client:
        started = time.perf_counter()
        pending = []
        sent = 0
        while (due := started + sent * interval) < started + seconds:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.ensure_future(send(sent, client)))
            sent += 1
        await asyncio.gather(*pending)
        return time.perf_counter() - started
