"""The scenarios, each against the running topology: taking numbers, calling and finishing, and the displays."""

import asyncio
import json
import time

from bench.load import Timings, closed_loop, percentile_ms, session, timed_request
from bench.world import World
from bench.wsclient import open_display

CALLS = json.JSONDecoder()


async def issue(base_url: str, world: World, *, clients: int, queues: int, seconds: float) -> dict:
    """`clients` kiosks taking numbers as fast as they are answered, spread over the first `queues` queues."""
    timings, issued = Timings(), []
    queue_ids = world.queue_ids[:queues]
    turns = [0] * clients

    async def step(worker: int, client) -> bool:
        queue_id = queue_ids[(worker + turns[worker]) % len(queue_ids)]
        turns[worker] += 1
        status, body = await timed_request(
            client,
            timings,
            "POST",
            f"{base_url}/api/v1/tickets/",
            json={"queue": queue_id, "channel": "kiosk"},
            headers={"Authorization": f"Bearer {world.kiosk_tokens[worker]}"},
        )
        if status == 201:
            issued.append(body["id"])
        return True

    elapsed = await closed_loop(clients, seconds, step)
    return {
        "clients": clients,
        "queues": queues,
        "seconds": round(elapsed, 1),
        **timings.summary(elapsed),
        "ids": issued,
    }


async def call_and_finish(base_url: str, world: World, *, clerks: int, seconds: float) -> dict:
    """`clerks` window terminals calling the next ticket and finishing it, until the time is up or nobody waits."""
    calls, finishes, served = Timings(), Timings(), []

    async def step(worker: int, client) -> bool:
        headers = {"Authorization": f"Bearer {world.terminal_tokens[worker]}"}
        window_id = world.window_ids[worker]
        status, ticket = await timed_request(
            client, calls, "POST", f"{base_url}/api/v1/windows/{window_id}/call-next/", headers=headers
        )
        if status != 200:
            return status not in (204,)  # 204: nobody is waiting, this window is done
        served.append(ticket["id"])
        await timed_request(
            client, finishes, "POST", f"{base_url}/api/v1/tickets/{ticket['id']}/finish/", headers=headers
        )
        return True

    elapsed = await closed_loop(clerks, seconds, step)
    cycles = len(served)
    return {
        "clerks": clerks,
        "seconds": round(elapsed, 1),
        "cycles": cycles,
        "cycles_per_second": round(cycles / elapsed, 1) if elapsed else 0.0,
        "call": calls.summary(elapsed),
        "finish": finishes.summary(elapsed),
        "served_ids": served,
    }


async def empty_view(base_url: str, *, clients: int, seconds: float) -> dict:
    """The framework's floor: `clients` asking bench/framework_floor.py's empty view as fast as it answers."""
    timings = Timings()

    async def step(worker: int, client) -> bool:
        await timed_request(client, timings, "GET", f"{base_url}/empty/")
        return True

    elapsed = await closed_loop(clients, seconds, step)
    return {"clients": clients, "seconds": round(elapsed, 1), **timings.summary(elapsed)}


async def fanout(
    base_url: str, world: World, *, socket_url: str, sockets: int, calls_per_second: float, seconds: float
) -> dict:
    """`sockets` calling displays of the centre; window terminals call at `calls_per_second`. Latency is from the
    clerk's call request leaving to a display receiving the delta that names the call (the call's own time in)."""
    ws_url = socket_url.replace("http://", "ws://", 1) + f"/ws/centers/{world.center_id}/display/"

    async def call(client, worker: int, timings: Timings):
        """A window terminal's call and finish; the called number, or None."""
        headers = {"Authorization": f"Bearer {world.terminal_tokens[worker % len(world.terminal_tokens)]}"}
        window_id = world.window_ids[worker % len(world.terminal_tokens)]
        base = f"{base_url}/api/v1"
        status, ticket = await timed_request(
            client, timings, "POST", f"{base}/windows/{window_id}/call-next/", headers=headers
        )
        if status != 200:
            return None
        await timed_request(client, Timings(), "POST", f"{base}/tickets/{ticket['id']}/finish/", headers=headers)
        return ticket["number"]

    return await displays_while_calling(
        ws_url, origin=socket_url, sockets=sockets, calls_per_second=calls_per_second, seconds=seconds, call=call
    )


async def fanout_floor(*, floor_url: str, sockets: int, calls_per_second: float, seconds: float) -> dict:
    """The same displays and calls against bench/fanout_floor.py: the sockets alone, nothing built."""

    async def call(client, worker: int, timings: Timings):
        status, body = await timed_request(client, timings, "POST", f"{floor_url}/call")
        return body["number"] if status == 200 else None

    ws_url = floor_url.replace("http://", "ws://", 1) + "/ws/display/"
    return await displays_while_calling(
        ws_url, origin=floor_url, sockets=sockets, calls_per_second=calls_per_second, seconds=seconds, call=call
    )


async def displays_while_calling(
    ws_url: str, *, origin: str, sockets: int, calls_per_second: float, seconds: float, call
) -> dict:
    """`sockets` displays on `ws_url`; once each shows its snapshot, `call(client, turn, timings)` at
    `calls_per_second`, each returning the number it called. Latency: from the call leaving to each display
    receiving a message that names the number."""
    requested: dict[str, float] = {}  # number → when its call request left
    receipts: dict[str, list[float]] = {}  # number → when each display got its call
    open_sockets = []

    def received(message: bytes) -> None:
        # Of each message only its list of calls is decoded: the client shares the machine with the server.
        start = message.find(b'"calls":[')
        if start < 0:
            return
        now = time.perf_counter()
        calls, _end = CALLS.raw_decode(message[start + len(b'"calls":') :].decode())
        for called in calls:
            receipts.setdefault(called["number"], []).append(now)

    async def display(index: int) -> None:
        shown = asyncio.get_running_loop().create_future()

        def on_text(message: bytes) -> None:
            if not shown.done():
                shown.set_result(True)  # its first message is the snapshot: the screen shows the hall
            received(message)

        protocol, closed = await open_display(ws_url, origin=origin, on_text=on_text)
        open_sockets.append(protocol)
        await shown
        ready.release()  # the calls begin once every screen shows the hall
        await closed  # until closed when the run is over

    ready = asyncio.Semaphore(0)
    tasks = []
    for index in range(sockets):
        tasks.append(asyncio.create_task(display(index)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # a hall's screens come up over a moment, not in one burst
    for _ in range(sockets):
        await asyncio.wait_for(ready.acquire(), timeout=120)
    await asyncio.sleep(1)

    timings = Timings()
    period = 1 / calls_per_second
    async with session(connections=128) as client:  # never a call waiting for a connection
        started, turn = time.perf_counter(), 0
        pending = []

        async def one(worker: int) -> None:
            leaving = time.perf_counter()
            number = await call(client, worker, timings)
            if number is not None:
                requested[number] = leaving

        while time.perf_counter() - started < seconds:
            pending.append(asyncio.create_task(one(turn)))
            turn += 1
            await asyncio.sleep(max(0.0, started + turn * period - time.perf_counter()))
        await asyncio.gather(*pending)
    await asyncio.sleep(3)  # the last deltas on their way
    for protocol in open_sockets:
        protocol.close()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(
        received - leaving for number, leaving in requested.items() for received in receipts.get(number, ())
    )
    return {
        "sockets": sockets,
        "calls": len(requested),
        "calls_per_second": round(len(requested) / seconds, 1),
        "call_p50_ms": percentile_ms(sorted(timings.latencies), 50),
        "delivered": len(latencies),
        "missing": len(requested) * sockets - len(latencies),
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
    }
