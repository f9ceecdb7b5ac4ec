"""A minimal websocket client for the display scenario: a thousand of them share the machine with the server they
measure, so each does the least a display must (RFC 6455: the upgrade, unmasked server frames, pong to ping,
masked frames out) and hands each text message on as bytes. Not for anything but the harness."""

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from urllib.parse import urlsplit

TEXT, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x8, 0x9, 0xA, 0x0


def _client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked frame (clients must mask) of a payload under 126 bytes: pongs and closes."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


class DisplayProtocol(asyncio.Protocol):
    def __init__(self, on_text: Callable[[bytes], None], upgraded: asyncio.Future, closed: asyncio.Future):
        self.on_text, self.upgraded, self.closed = on_text, upgraded, closed
        self.buffer = bytearray()
        self.fragments = bytearray()
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self.buffer[: self.buffer.find(b"\r\n")])
            del self.buffer[: end + 4]
            if b" 101 " not in status:
                self.upgraded.set_exception(ConnectionError(status.decode(errors="replace")))
                self.transport.close()
                return
            self.upgraded.set_result(True)
        self._frames()

    def _frames(self) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            length, offset = second & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                (length,), offset = struct.unpack_from("!H", buffer, 2), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                (length,), offset = struct.unpack_from("!Q", buffer, 2), 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset : offset + length])
            del buffer[: offset + length]
            opcode, final = first & 0x0F, first & 0x80
            if opcode in (TEXT, CONTINUATION):
                self.fragments += payload
                if final:
                    message, self.fragments = bytes(self.fragments), bytearray()
                    self.on_text(message)
            elif opcode == PING:
                self.transport.write(_client_frame(PONG, payload[:125]))
            elif opcode == CLOSE:
                self.transport.write(_client_frame(CLOSE, payload[:2]))
                self.transport.close()

    def connection_lost(self, exc):
        if not self.upgraded.done():
            self.upgraded.set_exception(exc or ConnectionError("closed before the upgrade"))
        if not self.closed.done():
            self.closed.set_result(True)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_client_frame(CLOSE, struct.pack("!H", 1000)))
            self.transport.close()


async def open_display(url: str, *, origin: str, on_text: Callable[[bytes], None], timeout: float = 60):
    """Connect to `url` (ws://host:port/path) and return (protocol, closed future)."""
    parts = urlsplit(url)
    loop = asyncio.get_running_loop()
    upgraded, closed = loop.create_future(), loop.create_future()
    _transport, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: DisplayProtocol(on_text, upgraded, closed), parts.hostname, parts.port or 80),
        timeout,
    )
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    protocol.transport.write(request.encode())
    await asyncio.wait_for(upgraded, timeout)
    return protocol, closed
