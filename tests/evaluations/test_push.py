"""The push of reviews to the provincial platform, against a receiver of our own: signed, once per review under its
idempotency key, retried with back-off on 5xx, given up after the last attempt or at once on a refusal, and sent again
from the admin's dead-letter list."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from evaluations.models import PushDelivery
from evaluations.services.defaults import reviews_apply_defaults
from evaluations.services.push import push_due
from evaluations.services.reviews import rated_ticket, review_submit
from tests.factories import UserFactory, ticket_of_day

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.date(2026, 12, 4)
SECRET = "province-shared-secret"


class Receiver:
    """A provincial platform: checks the signature, keeps each key once (409 for a repeat), and answers the statuses
    it is told to answer first."""

    def __init__(self):
        self.received: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key, stamp = self.headers["X-Hall-Idempotency-Key"], self.headers["X-Hall-Timestamp"]
                expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(expected, self.headers["X-Hall-Signature"])
                receiver.requests.append({"key": key, "signed": signed})
                if receiver.answers:
                    status = receiver.answers.pop(0)
                elif not signed:
                    status = 401
                elif key in receiver.received:
                    status = 409
                else:
                    receiver.received[key] = json.loads(body)
                    status = 201
                if status == 0:  # not HTTP at all
                    self.wfile.write(b"GARBAGE\r\n")
                    return
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/reviews"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def province(settings):
    receiver = Receiver()
    settings.HALL_PROVINCE_PUSH_URL = receiver.url
    settings.HALL_PROVINCE_PUSH_SECRET = SECRET
    settings.HALL_PROVINCE_PUSH_SOURCE = "330105-hall"
    settings.HALL_PROVINCE_PUSH_MAX_ATTEMPTS = 3
    settings.HALL_PROVINCE_PUSH_BACKOFF_SECONDS = 60
    yield receiver
    receiver.close()


def moment(day: datetime.date, hh_mm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hh_mm), tzinfo=SHANGHAI)


def rate(queue, window, clerk, level=5, **fields):
    ticket = ticket_of_day(queue, FRIDAY, "09:00", called="09:10", finished="09:25", window=window, clerk=clerk)
    return review_submit(
        rated=rated_ticket(ticket), channel="evaluator", level=level, at=moment(FRIDAY, "09:30"), **fields
    )


def test_a_review_is_pushed_once_signed_and_without_personal_information(province, queue, window, clerk):
    review = rate(queue, window, clerk, 4, comment="很好", scores={"attitude": 5})
    assert push_due() == "1 sent, 0 not yet"
    key = f"330105-hall:review:{review.pk}"
    assert province.requests == [{"key": key, "signed": True}]
    sent = province.received[key]
    assert (sent["level"], sent["stage"], sent["comment"], sent["scores"]) == (4, "service", "很好", {"attitude": 5})
    assert (sent["center_code"], sent["window_number"], sent["subject"]) == (queue.center.code, window.number, "ticket")
    assert not {"mobile", "id_number", "applicant", "citizen"} & set(sent)
    delivery = PushDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert push_due() == "0 sent, 0 not yet"  # nothing is sent twice


def test_a_failing_platform_is_tried_again_with_back_off_then_given_up(province, queue, window, clerk):
    rate(queue, window, clerk)
    province.answers = [503, 502]
    start = PushDelivery.objects.get().next_attempt_at  # due as soon as the review is given
    assert push_due(now=start) == "0 sent, 1 not yet"
    delivery = PushDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 503")
    assert delivery.next_attempt_at == start + datetime.timedelta(seconds=60)
    assert push_due(now=start + datetime.timedelta(seconds=30)) == "0 sent, 0 not yet"  # not due yet
    push_due(now=start + datetime.timedelta(seconds=60))
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == start + datetime.timedelta(seconds=180)
    push_due(now=start + datetime.timedelta(seconds=180))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert [r["key"] for r in province.requests] == [delivery.key] * 3  # one key on every attempt


def test_after_the_last_attempt_it_is_a_dead_letter_sent_again_from_the_admin(province, queue, window, clerk, client):
    rate(queue, window, clerk)
    province.answers = [500, 500, 500]
    start = PushDelivery.objects.get().next_attempt_at
    for seconds in (0, 60, 180):
        push_due(now=start + datetime.timedelta(seconds=seconds))
    delivery = PushDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("dead", 3)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get("/admin/evaluations/pushdelivery/?status=dead")
    assert delivery.key in page.content.decode()
    client.post(
        "/admin/evaluations/pushdelivery/", {"action": "send_again", "_selected_action": [delivery.pk]}, follow=True
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    push_due()
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(province.received) == 1


def test_a_refusal_is_given_up_at_once_and_a_repeat_counts_as_delivered(province, queue, window, clerk):
    first, second = rate(queue, window, clerk), rate(queue, window, clerk)
    province.answers = [422, 409]
    push_due()
    statuses = dict(PushDelivery.objects.values_list("review_id", "status"))
    assert statuses == {first.pk: "dead", second.pk: "sent"}


def test_default_ratings_are_pushed_too_and_nothing_while_the_push_is_off(province, queue, window, clerk, settings):
    ticket_of_day(queue, FRIDAY, "09:00", called="09:10", finished="09:25", window=window, clerk=clerk)
    reviews_apply_defaults(now=moment(datetime.date(2026, 12, 11), "10:00"))
    assert PushDelivery.objects.get().payload["is_default"] is True
    settings.HALL_PROVINCE_PUSH_URL = ""
    rate(queue, window, clerk)
    assert PushDelivery.objects.count() == 1 and push_due() == "off"


def test_a_reply_that_is_not_http_is_tried_again_and_blocks_nothing(province, queue, window, clerk):
    first, second = rate(queue, window, clerk), rate(queue, window, clerk)
    province.answers = [0]
    assert push_due() == "1 sent, 1 not yet"
    garbled = PushDelivery.objects.get(review=first)
    assert (garbled.status, garbled.attempts) == ("pending", 1) and garbled.last_error.startswith("BadStatusLine")
    assert PushDelivery.objects.get(review=second).status == "sent"


def test_an_upheld_appeal_tells_the_platform_the_review_is_excluded(province, queue, window, clerk):
    from accounts.models import StaffMembership, StaffRole
    from evaluations.services.appeals import appeal_decide, appeal_file

    review = rate(queue, window, clerk, 1)
    push_due()
    supervisor = UserFactory(username="sup")
    StaffMembership.objects.create(user=supervisor, center=queue.center, role=StaffRole.SUPERVISOR)
    appeal = appeal_file(review=review, user=clerk, reason="误触")
    decided = appeal_decide(appeal=appeal, user=supervisor, upheld=True)
    assert push_due() == "1 sent, 0 not yet"
    rated, excluded = (province.received[f"330105-hall:review:{review.pk}{suffix}"] for suffix in ("", ":excluded"))
    assert (rated["event"], rated["level"]) == ("rated", 1)
    assert excluded == {
        "event": "excluded",
        "source": "330105-hall",
        "review_id": review.pk,
        "excluded_at": decided.decided_at.isoformat(),
    }
