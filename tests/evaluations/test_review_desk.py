"""The follow-up pages as the staff use them: a bad review opened from the desk, its three steps recorded through
their forms, an appeal filed by the rated clerk and decided by a supervisor, suspicious reviews listed apart."""

import pytest
import time_machine

from evaluations.models import Rectification, Review
from tests.evaluations.test_follow_up import (  # noqa: F401 (fixtures)
    FRIDAY,
    department,
    head,
    moment,
    rate,
    served_ticket,
    supervisor_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_review(queue, window, clerk, department):  # noqa: F811
    return rate(served_ticket(queue, window, clerk), 2, at=moment(FRIDAY, "09:26"), tags=["slow"])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_head_records_the_three_steps_through_the_page(client, bad_review, head):  # noqa: F811
    client.force_login(head)
    page = client.get(f"/reviews/{bad_review.pk}/").content.decode()
    assert "不满意" in page and "办事慢" in page and "核实并联系" in page

    with time_machine.travel(moment(FRIDAY, "15:00"), tick=False):
        # Out of order: the callback before the rectification is refused in words, nothing changes.
        refused = client.post(
            f"/reviews/{bad_review.pk}/step/", {"step": "call_back", "result": "satisfied"}, follow=True
        )
        assert messages_of(refused) == ["该整改当前为“待核实”，不能进行这一步。"]
        assert Rectification.objects.get(review=bad_review).status == "open"
        client.post(f"/reviews/{bad_review.pk}/step/", {"step": "verify", "text": "<b>系统故障</b>，已致歉"})
    with time_machine.travel(moment(FRIDAY, "16:00"), tick=False):
        client.post(f"/reviews/{bad_review.pk}/step/", {"step": "rectify", "text": "更换终端"})
    with time_machine.travel(moment(FRIDAY, "17:00"), tick=False):
        done = client.post(
            f"/reviews/{bad_review.pk}/step/",
            {"step": "call_back", "result": "satisfied", "text": "群众满意"},
            follow=True,
        )
    rectification = Rectification.objects.get(review=bad_review)
    assert (rectification.status, rectification.callback_result) == ("called_back", "satisfied")
    assert rectification.finding == "<b>系统故障</b>，已致歉"
    body = done.content.decode()
    assert "&lt;b&gt;系统故障&lt;/b&gt;" in body and "<b>系统故障" not in body


def test_an_empty_finding_or_an_unknown_step_is_refused_and_changes_nothing(client, bad_review, head):  # noqa: F811
    client.force_login(head)
    for data in (
        {"step": "verify", "text": "  "},
        {"step": "close", "text": "x"},
        {"step": "verify", "text": "长" * 2001},
    ):
        response = client.post(f"/reviews/{bad_review.pk}/step/", data, follow=True)
        assert response.status_code == 200 and messages_of(response)
    assert Rectification.objects.get(review=bad_review).status == "open"


def test_the_clerk_appeals_and_a_supervisor_upholds_it(client, bad_review, clerk, queue, head):  # noqa: F811
    client.force_login(clerk)
    client.post(f"/reviews/{bad_review.pk}/appeal/", {"reason": "群众对政策不满，非服务问题"})
    # The clerk may not decide their own appeal, nor may the head.
    for user in (clerk, head):
        client.force_login(user)
        refused = client.post(f"/reviews/{bad_review.pk}/appeal/decide/", {"decision": "uphold"}, follow=True)
        assert messages_of(refused)
    assert not Review.objects.get(pk=bad_review.pk).excluded

    supervisor = supervisor_of(queue.center, "duty")
    client.force_login(supervisor)
    desk = client.get("/reviews/rectifications/").content.decode()
    assert "群众对政策不满" in desk  # the appeal waits on the supervisor's desk
    client.post(f"/reviews/{bad_review.pk}/appeal/decide/", {"decision": "uphold", "note": "核实属实"})
    review = Review.objects.get(pk=bad_review.pk)
    assert review.excluded and review.rectification.status == "withdrawn"


def test_suspicious_reviews_are_listed_for_the_supervisor(client, queue, window, clerk, head):  # noqa: F811
    # Rated ten seconds after the call: nobody is served that fast.
    suspicious = rate(
        served_ticket(queue, window, clerk, called="09:10", finished="09:10"), 5, at=moment(FRIDAY, "09:10:10")
    )
    assert suspicious.is_suspicious
    supervisor = supervisor_of(queue.center, "duty")
    client.force_login(supervisor)
    with time_machine.travel(moment(FRIDAY, "12:00"), tick=False):
        desk = client.get("/reviews/rectifications/").content.decode()
    assert "叫号后数秒内即评价" in desk
    assert f"/reviews/{suspicious.pk}/" in desk
    client.force_login(head)
    with time_machine.travel(moment(FRIDAY, "12:00"), tick=False):
        assert f"/reviews/{suspicious.pk}/" not in client.get("/reviews/rectifications/").content.decode()
