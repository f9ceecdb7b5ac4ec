"""A carrier's SMS gateway for the system tests, and the hall's backend for it.

`SmsGateway` is an HTTP server in the test's process: it records every message posted to it and, while held, answers
only when released (a slow gateway, so that a worker can be killed in the middle of a send). Like real gateways it
treats messages with the same client message id as one SMS. `GatewaySmsBackend` is the backend the hall's worker
loads (HALL_SMS_BACKEND=tests.system.sms_gateway.GatewaySmsBackend); it posts to $HALL_TEST_SMS_GATEWAY_URL, built
as hall/notifications/backends.py shows a carrier's backend.
"""

import json
import os
import threading
import time
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from hall.notifications.backends import BaseSmsBackend, DeliveryError

GATEWAY_URL_ENV = "HALL_TEST_SMS_GATEWAY_URL"
HELD_AT_MOST = 60  # seconds a held answer waits for `release`, so that no thread outlives a failed test for long


class GatewaySmsBackend(BaseSmsBackend):
    def send(self, *, mobile: str, text: str, notification_id: int) -> str:
        try:
            response = requests.post(
                os.environ[GATEWAY_URL_ENV],
                json={"mobile": mobile, "content": text, "client_msg_id": str(notification_id)},
                timeout=5,  # well under HALL_SMS_SEND_TIMEOUT, as the backend contract asks
            )
        except requests.RequestException as error:
            raise DeliveryError(f"gateway unreachable: {type(error).__name__}") from error
        if response.status_code != 200:
            raise DeliveryError(f"gateway answered HTTP {response.status_code}")
        return response.json()["msg_id"]


class SmsGateway:
    def __init__(self):
        self.received: list[dict] = []  # every request, repeats included, in order of arrival
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._released.set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway._lock:
                    gateway.received.append(message)
                gateway._released.wait(HELD_AT_MOST)
                body = json.dumps({"code": "0", "msg_id": f"gw-{message['client_msg_id']}"}).encode()
                with suppress(OSError):  # the sender may be dead by now: that is the point of holding
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()

    def hold(self) -> None:
        """Answer the next messages only when released: the sender waits in the middle of its send."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def requests(self) -> list[dict]:
        with self._lock:
            return list(self.received)

    def wait_for(self, count: int, timeout: float) -> list[dict]:
        """The requests once there are `count` of them; fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(received := self.requests()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the gateway received {len(received)} request(s) in {timeout} s, not {count}")
            time.sleep(0.1)
        return received

    def sms_by_mobile(self) -> dict[str, set[str]]:
        """The SMS each phone gets: the gateway's client message ids per mobile number (a repeated id is one SMS)."""
        delivered: dict[str, set[str]] = {}
        for message in self.requests():
            delivered.setdefault(message["mobile"], set()).add(message["client_msg_id"])
        return delivered
