"""A Celery worker killed in the middle of a job: the job runs again, and nobody gets a second alert or SMS.

A ticket has waited far past its timeout; the wait-timeout scan raises one alert and queues an SMS to each supervisor
concerned (the outbox, in the scan's transaction); the worker then sends them to a carrier's gateway of the test's own
(tests/system/sms_gateway.py). While the gateway holds its answer to the first SMS, the worker (parent and pool
process) is SIGKILLed, as an OOM kill or a lost machine would; then a new worker starts.

What the hall guarantees, and this test asserts: jobs are acknowledged late, so the killed job is handed out again
(after HALL_CELERY_VISIBILITY_TIMEOUT) and runs again. An SMS attempt cut off after the gateway took the request cannot
know whether the gateway sent it, so it is attempted again, with the same client message id (the outbox row's id);
the gateway, as carriers' gateways do, sends one SMS per id. Each phone gets one SMS; no attempt is made once a row is
sent, and a scan or delivery run twice adds no alert, no outbox row and no request. (The periodic job
`notifications.retry_due` is a second safety net; beat does not run here, so the re-run seen is the broker's.)
"""

import time

import pytest

from tests.embedded_server import OPEN_ALL_DAY_EVERY_DAY
from tests.system.own_topology import own_hall, query
from tests.system.sms_gateway import GATEWAY_URL_ENV, SmsGateway

pytestmark = pytest.mark.system

# The supervisor of the demo centre, and the head of the department whose matters the queue serves.
RECIPIENT_MOBILES = {"supervisor": "13900000001", "dept_head_scjg": "13900000002"}
PREPARE = """
from django.contrib.auth import get_user_model
from queueing.models import Queue
for username, mobile in {mobiles!r}.items():
    user = get_user_model().objects.get(username=username)
    user.mobile = mobile
    user.save()
queue = Queue.objects.filter(center__code="DEMO", matters__department__code="SCJG").order_by("pk").first()
Queue.objects.filter(pk=queue.pk).update(**OPEN_ALL_DAY_EVERY_DAY, is_accepting=True)
print(queue.pk)
"""
SEND_SCAN = "from dashboards.tasks import scan_wait_timeouts; scan_wait_timeouts.delay()"
# Deliveries handed out again (the message of a job that did finish, its acknowledgement lost with its worker), then
# the scan again, as beat sends it every 30 s: the worker runs them in this order, one at a time.
SEND_AGAIN = """
from dashboards.tasks import scan_wait_timeouts
from hall.notifications.tasks import deliver
for notification_id in {ids!r}:
    deliver.delay(notification_id)
scan_wait_timeouts.delay()
"""


@pytest.fixture(scope="module")
def gateway():
    gateway = SmsGateway()
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def hall_with_worker(servers, fresh_database, tmp_path_factory, request, gateway):
    env = {
        "HALL_SMS_BACKEND": "tests.system.sms_gateway.GatewaySmsBackend",
        GATEWAY_URL_ENV: gateway.url,
        # Seconds rather than minutes, so that the re-run comes within the test; the same order as the defaults.
        "HALL_CELERY_VISIBILITY_TIMEOUT": "12",
        "HALL_SMS_SEND_TIMEOUT": "8",
    }
    with own_hall(servers, fresh_database, tmp_path_factory, request, processes=["web", "worker"], env=env) as own:
        yield own


def outbox(database_url: str) -> dict[int, tuple[str, int]]:
    """Every outbox row: id → (status, attempts)."""
    rows = query(database_url, "SELECT id, status, attempts FROM notifications_notification")
    return {row[0]: (row[1], row[2]) for row in rows}


def wait_until(what: str, condition, timeout: float):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.3)
    return result


def test_a_worker_killed_in_the_middle_of_an_sms_runs_it_again_and_each_phone_gets_one(hall_with_worker, gateway):
    own = hall_with_worker
    hall, database = own.hall, own.hall.database_url
    queue_id = int(
        hall.manage(
            "shell",
            "-c",
            f"OPEN_ALL_DAY_EVERY_DAY = {OPEN_ALL_DAY_EVERY_DAY!r}\n" + PREPARE.format(mobiles=RECIPIENT_MOBILES),
        ).split()[-1]
    )
    kiosk = hall.device(hall.demo_center_id(), "issue")
    issued = kiosk.post(f"{hall.api_url}/tickets/", json={"queue": queue_id, "channel": "kiosk"}, timeout=10)
    assert issued.status_code == 201, issued.text
    ticket_id = issued.json()["id"]
    query(database, "UPDATE queueing_ticket SET queued_at = queued_at - interval '3 hours' WHERE id = %s", [ticket_id])

    gateway.hold()
    hall.manage("shell", "-c", SEND_SCAN)
    (in_flight,) = gateway.wait_for(1, timeout=40)  # the scan has committed; the worker waits on the first SMS
    own.kill("worker")
    gateway.release()
    cut_off = int(in_flight["client_msg_id"])
    assert outbox(database)[cut_off] == ("queued", 1), "the killed attempt must not count as sent"
    own.start("worker")

    def all_sent():
        rows = outbox(database)
        return rows if len(rows) == len(RECIPIENT_MOBILES) and {s for s, _ in rows.values()} == {"sent"} else None

    rows = wait_until("every SMS of the alert sent after the new worker started", all_sent, timeout=60)

    alerts = query(
        database, "SELECT id FROM dashboards_alert WHERE kind = 'wait_timeout' AND ticket_id = %s", [ticket_id]
    )
    assert len(alerts) == 1
    event_keys = query(database, "SELECT event_key FROM notifications_notification")
    assert all(key.startswith(f"alert:{alerts[0][0]}:to:") for (key,) in event_keys)
    assert rows[cut_off] == ("sent", 2), "the job cut off ran again"
    assert all(attempts == 1 for notification_id, (_, attempts) in rows.items() if notification_id != cut_off)
    # The gateway got the cut-off SMS twice under one client message id, every other once: one SMS per phone.
    keys = [message["client_msg_id"] for message in gateway.requests()]
    assert sorted(keys) == sorted([str(cut_off), *map(str, rows)])
    sms = gateway.sms_by_mobile()
    assert set(sms) == set(RECIPIENT_MOBILES.values())
    assert all(len(ids) == 1 for ids in sms.values()), sms
    assert set().union(*sms.values()) == {str(notification_id) for notification_id in rows}

    # The same deliveries and the scan, run again: nothing more is raised, queued or sent.
    requests_before = len(gateway.requests())
    hall.manage("shell", "-c", SEND_AGAIN.format(ids=sorted(rows)))
    wait_until(
        "the scan run again",
        lambda: (
            query(database, "SELECT run_count FROM hall_jobstatus WHERE name = 'dashboards.scan_wait_timeouts'")
            == [(2,)]
        ),
        timeout=30,
    )
    assert query(database, "SELECT count(*) FROM dashboards_alert") == [(1,)]
    assert outbox(database) == rows
    assert len(gateway.requests()) == requests_before
