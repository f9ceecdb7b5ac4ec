"""The display fan-out's floor: the least a server can do for the display scenario, served as the hall's sockets are
(uvicorn, one process, no per-message compression) to the same clients on the same machine.

A display connects and gets a snapshot; `POST /call` makes up the next call and writes one message naming it to every
connected display, through a queue and a writer per socket as the hall's sockets do. No database, no Redis, no delta
to build: what is left is the sockets, the event loop and the clients, so the hall's event-to-screen latency reads
against it. The message is padded to the size of a hall's delta of one call, which carries the window tiles, the
queue's figures and the totals with it."""

import asyncio
import json
import time

DELTA_BYTES = 2_000  # about a hall's delta for one call at a 20-queue centre
OUTBOX = 200  # messages a slow display may fall behind by, as in the hall

_outboxes: set[asyncio.Queue] = set()
_calls = 0


async def app(scope, receive, send):
    if scope["type"] == "websocket":
        await _display(receive, send)
    elif scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


async def _display(receive, send) -> None:
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": json.dumps({"type": "snapshot", "calls": []}, separators=(",", ":"))})
    outbox: asyncio.Queue = asyncio.Queue(OUTBOX)
    _outboxes.add(outbox)

    async def write() -> None:
        while True:
            await send({"type": "websocket.send", "text": await outbox.get()})

    writer = asyncio.create_task(write())
    try:
        while (await receive())["type"] != "websocket.disconnect":
            pass  # pings and anything else: ignored
    finally:
        _outboxes.discard(outbox)
        writer.cancel()


async def _http(scope, receive, send) -> None:
    global _calls
    while (await receive()).get("more_body"):
        pass
    if scope["method"] == "POST" and scope["path"] == "/call":
        _calls += 1
        number = f"F{_calls:05d}"
        call = {"number": number, "window": 1, "at": time.time()}
        text = json.dumps({"type": "delta", "calls": [call], "padding": "x" * DELTA_BYTES}, separators=(",", ":"))
        for outbox in list(_outboxes):
            if not outbox.full():
                outbox.put_nowait(text)
        body, status = json.dumps({"number": number}).encode(), 200
    elif scope["path"] == "/readyz":
        body, status = b'{"ok": true}', 200
    else:
        body, status = b"{}", 404
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
