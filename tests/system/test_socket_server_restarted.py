"""The socket server (uvicorn) goes away and comes back on the same port: the calling display open in a browser marks
itself offline meanwhile and reconnects by itself, without a reload, then shows the calls made while it was cut off
(from the snapshot it gets on reconnecting) and the calls after (from the deltas on its new socket).

Once as a deploy restarts it (SIGTERM), once as a crash (SIGKILL). The page comes from the socket server, as behind the
hall's proxy; numbers are taken and called through the API of the other server (gunicorn), and reach the page only
through Redis and the fan-out.
"""

import signal
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import expect

from tests.system.own_topology import own_hall
from tests.system.test_topology import open_all_day

pytestmark = [pytest.mark.system, pytest.mark.browser]

OFFLINE_MARK = "连接中断——数据可能不是最新"


@pytest.fixture(scope="module")
def hall_with_sockets(servers, fresh_database, tmp_path_factory, request):
    processes = ["web", "sockets", "fanout"]
    with own_hall(servers, fresh_database, tmp_path_factory, request, processes=processes) as own:
        yield own


@dataclass
class CallingWindow:
    """A general window with its clerk signed in, a kiosk and the window's calling terminal."""

    api: str
    queue_id: int
    window_id: int
    kiosk: requests.Session
    terminal: requests.Session
    current: int | None = None  # the ticket called last, finished before the next call

    def issue_and_call(self) -> str:
        if self.current is not None:
            finished = self.terminal.post(f"{self.api}/tickets/{self.current}/finish/", timeout=15)
            assert finished.status_code == 200, finished.text
        issued = self.kiosk.post(f"{self.api}/tickets/", json={"queue": self.queue_id, "channel": "kiosk"}, timeout=15)
        assert issued.status_code == 201, issued.text
        called = self.terminal.post(f"{self.api}/windows/{self.window_id}/call-next/", timeout=15)
        assert called.status_code == 200, called.text
        assert called.json()["number"] == issued.json()["number"]
        self.current = called.json()["id"]
        return called.json()["number"]


@pytest.fixture(scope="module")
def calling_window(hall_with_sockets) -> CallingWindow:
    hall = hall_with_sockets.hall
    api, center_id = hall.api_url, hall.demo_center_id()
    queue = hall.http.get(f"{api}/centers/{center_id}/queues/", timeout=10).json()[0]
    hall.manage("shell", "-c", open_all_day(int(queue["id"])))
    clerk = hall.signed_in(*hall.clerk)
    windows = clerk.get(f"{api}/centers/{center_id}/windows/", timeout=10).json()
    window = next(w for w in windows if w["kind"] == "general")
    assert clerk.post(f"{api}/windows/{window['id']}/sign-in/", timeout=10).status_code == 200
    kiosk = hall.device(center_id, "issue")
    terminal = hall.device(center_id, "call", window_id=window["id"])
    return CallingWindow(api, queue["id"], window["id"], kiosk, terminal)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["restarted", "crashed"])
def test_the_calling_display_reconnects_by_itself_when_the_socket_server_is_back(
    hall_with_sockets, browser, calling_window, stop
):
    own = hall_with_sockets
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{own.sockets_url}/display/{own.hall.demo_center_id()}/")
    body, offline_mark = page.locator("body"), page.locator(".stale-mark")
    # The newest call heads the last calls (from the snapshot on reconnect, then from the deltas).
    call_number = page.locator("[data-recent-calls] .call-number").first
    recent_calls = page.locator("[data-recent-calls]")
    expect(body).to_have_attribute("data-live", "live", timeout=10_000)
    expect(offline_mark).to_be_hidden()
    page.evaluate("() => { window.loadedOnce = true; }")  # gone if the page is reloaded

    own.kill("sockets", stop)
    expect(body).to_have_attribute("data-live", "stale", timeout=10_000)
    expect(offline_mark).to_be_visible()
    expect(offline_mark).to_have_text(OFFLINE_MARK)
    called_while_down = calling_window.issue_and_call()

    own.start("sockets", ready=own.sockets_url)
    # The page retries with back-off (1 s, 2 s, 4 s, … with jitter): within a few of its attempts.
    expect(body).to_have_attribute("data-live", "live", timeout=45_000)
    expect(offline_mark).to_be_hidden()
    expect(call_number).to_have_text(called_while_down)

    called_after = calling_window.issue_and_call()
    expect(call_number).to_have_text(called_after, timeout=15_000)
    expect(recent_calls).to_contain_text(called_while_down)
    assert page.evaluate("() => window.loadedOnce === true"), "the page was reloaded"
    context.close()
