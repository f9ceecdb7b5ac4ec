"""Rating through a signed link on a phone: from the slip's QR code (through the live ticket page) or the SMS sent
after service. A tampered or expired link, an unserved ticket, a second try and bad values each get a clear page and
change nothing; a comment is stored as written and shown escaped."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from evaluations.links import review_path, review_token
from evaluations.models import Review
from evaluations.services.invitations import reviews_invite_by_sms
from evaluations.services.reviews import rated_ticket, review_submit
from hall.notifications.models import Notification
from queueing import services
from queueing.links import live_ticket_path
from queueing.models import Ticket
from queueing.selectors import open_session

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script> 窗口人员很耐心'


def serve(queue, window, clerk, *, mobile="13700000017") -> Ticket:
    """A ticket served at the window five minutes ago, by a citizen who left a mobile number (or none)."""
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=10), tick=False):
        ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, mobile=mobile)
        if open_session(clerk=clerk) is None:
            services.window_sign_in(window=window, clerk=clerk)
        services.window_call_next(window=window, clerk=clerk)
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=5), tick=False):
        services.ticket_finish(ticket=ticket.pk, clerk=clerk)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def served(queue, window, clerk):
    return serve(queue, window, clerk)


def test_the_sms_after_service_links_to_the_review_which_is_stored_once(client, served):
    assert reviews_invite_by_sms() == "1 review invitations sent"
    assert reviews_invite_by_sms() == "0 review invitations sent"  # each service once
    sms = Notification.objects.get(template="review_invitation")
    assert served.number in sms.text and "/r/" in sms.text
    path = sms.text[sms.text.index("/r/") :].split("（")[0]
    page = client.get(path)
    assert page.status_code == 200 and "您对本次服务满意吗" in page.content.decode()

    answer = client.post(path, {"level": "2", "tags": ["unclear"], "comment": SCRIPT, "score_attitude": "2"})
    assert answer.status_code == 302
    review = Review.objects.get(ticket=served)
    assert (review.channel, review.level, review.tags, review.scores) == ("sms", 2, ["unclear"], {"attitude": 2})
    assert review.comment == SCRIPT  # stored as written
    again = client.get(path).content.decode()
    assert "该服务已经评价过了" in again
    assert "&lt;script&gt;" in again and "<script>alert" not in again  # shown escaped

    second = client.post(path, {"level": "5"})
    assert second.status_code == 200 and Review.objects.filter(ticket=served).count() == 1


def test_the_live_ticket_page_offers_the_review_once_served(client, served):
    page = client.get(live_ticket_path(served)).content.decode()
    link = review_path(served.pk, "qr")
    assert f'href="{link}"' in page
    client.post(link, {"level": "5", "tags": ["quick"]})
    assert Review.objects.get(ticket=served).channel == "qr"


def test_no_sms_when_rated_at_the_window_nor_without_a_number_nor_before_the_evaluator_had_its_time(
    queue, window, clerk
):
    rated = serve(queue, window, clerk, mobile="13700000018")
    review_submit(rated=rated_ticket(rated), channel="evaluator", level=5)
    serve(queue, window, clerk, mobile="")
    just_now = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, mobile="13700000019")
    services.window_call_next(window=window, clerk=clerk)
    services.ticket_finish(ticket=just_now.pk, clerk=clerk)  # the evaluator still invites its review
    assert reviews_invite_by_sms() == "0 review invitations sent"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        assert reviews_invite_by_sms() == "1 review invitations sent"
    (sms,) = Notification.objects.filter(template="review_invitation")
    assert just_now.number in sms.text


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"level": "6"}, "1 到 5"),
        ({"level": ""}, "1 到 5"),
        ({"level": "5", "comment": "长" * 501}, "500"),
        ({"level": "1", "tags": ["quick"]}, "标签"),
        ({"level": "5", "score_overall": "0"}, "1 到 5"),
    ],
)
def test_bad_values_are_refused_in_words_and_store_nothing(client, served, fields, message):
    path = review_path(served.pk, "sms")
    answer = client.post(path, fields)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Review.objects.exists()


def test_a_tampered_or_foreign_link_is_not_found_and_an_old_one_has_expired(client, served):
    token = review_token(served.pk, "qr")
    for bad in (token[:-2] + "xx", "abc", "x" * 300, review_token(served.pk + 999, "qr")):
        answer = client.post(f"/r/{bad}/", {"level": "5"})
        assert answer.status_code == 404
        assert "链接无效" in answer.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=9)):
        expired = client.post(f"/r/{token}/", {"level": "5"})
    assert expired.status_code == 410 and "链接已过期" in expired.content.decode()
    assert not Review.objects.exists()


def test_an_unserved_ticket_has_nothing_to_rate(client, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    answer = client.post(review_path(ticket.pk, "qr"), {"level": "5"})
    assert "尚未办理完毕" in answer.content.decode()
    assert not Review.objects.exists()


def test_my_reviews_lists_what_the_citizen_may_rate_and_rates_a_case_at_conclusion(client, queue, window, clerk):
    from accounts.models import User
    from matters import services as case_services
    from matters.models import Case, CaseMaterial, CaseType
    from tests.evaluations.test_reviews import APPLICANT
    from tests.factories import MatterFactory

    citizen = User.objects.create(username="c1", kind="citizen")
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, citizen=citizen)
    services.window_sign_in(window=window, clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)
    services.ticket_finish(ticket=ticket.pk, clerk=clerk)
    matter = MatterFactory(name="食品经营许可", case_type=CaseType.PROMISED, legal_limit_days=20, promised_limit_days=5)
    case = case_services.case_accept(
        matter=matter,
        center=queue.center,
        clerk=clerk,
        checklist={material.pk: CaseMaterial.State.RECEIVED for material in matter.materials.all()},
        **APPLICANT,
    )
    Case.objects.filter(pk=case.pk).update(citizen=citizen)  # applied for through the citizen's account
    case = case_services.case_conclude(case=Case.objects.get(pk=case.pk), clerk=clerk, outcome="approved")
    client.force_login(citizen)
    page = client.get("/portal/reviews/").content.decode()
    assert ticket.number in page and case.number in page
    assert page.count("评价本次服务") == 3  # the number's service; the case at acceptance and at conclusion

    from evaluations.links import case_review_path

    path = case_review_path(case.pk, "conclusion", "web")
    form = client.get(path).content.decode()
    assert "食品经营许可" in form and "办结" in form
    assert client.post(path, {"level": "4", "score_overall": "4"}).status_code == 302
    review = Review.objects.get(case=case)
    assert (review.stage, review.channel, review.clerk_id, review.ticket_id) == ("conclusion", "web", clerk.pk, None)
    assert client.get("/portal/reviews/").content.decode().count("评价本次服务") == 2
