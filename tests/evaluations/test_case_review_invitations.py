"""The SMS inviting a case's applicant to rate it: at conclusion, and at acceptance for an online application. A stage
reached while the applicant stood at a window is not asked about again; each stage is asked about once."""

import pytest
from django.utils import timezone

from evaluations.services.invitations import reviews_invite_by_sms
from evaluations.services.reviews import rated_case, review_submit
from hall.notifications.models import Notification
from matters import services as case_services
from matters.models import Case, CaseMaterial, CaseType
from tests.factories import MatterFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLICANT = {"applicant_name": "张三明", "id_number": "11010519491231002X", "mobile": "13700000001"}


def _checklist(matter) -> dict:
    return {material.pk: CaseMaterial.State.RECEIVED for material in matter.materials.all()}


@pytest.fixture
def promised(queue):
    return MatterFactory(name="食品经营许可", case_type=CaseType.PROMISED, legal_limit_days=20, promised_limit_days=5)


@pytest.fixture
def instant(queue):
    return MatterFactory(name="个体户名称变更", case_type=CaseType.INSTANT)


def accepted_at_window(matter, center, clerk, **applicant) -> Case:
    fields = APPLICANT | applicant
    return case_services.case_accept(matter=matter, center=center, clerk=clerk, checklist=_checklist(matter), **fields)


def conclude(case, clerk) -> Case:
    return case_services.case_conclude(case=Case.objects.get(pk=case.pk), clerk=clerk, outcome="approved")


def sent_texts() -> list[str]:
    return list(Notification.objects.filter(template="case_review_invitation").values_list("text", flat=True))


def test_a_promised_case_accepted_at_the_window_is_asked_about_once_at_its_conclusion(client, queue, clerk, promised):
    case = accepted_at_window(promised, queue.center, clerk)
    assert reviews_invite_by_sms() == "0 review invitations sent"  # the window's evaluator asked about that visit
    conclude(case, clerk)
    assert reviews_invite_by_sms() == "1 review invitations sent"
    assert reviews_invite_by_sms() == "0 review invitations sent"

    (text,) = sent_texts()
    assert "食品经营许可" in text and case.number in text and "已办结" in text
    path = text[text.index("/r/") :].split("（")[0]
    form = client.get(path).content.decode()
    assert "食品经营许可" in form and "办结" in form
    assert client.post(path, {"level": "5", "score_overall": "5"}).status_code == 302
    review = case.reviews.get()
    assert (review.stage, review.channel, review.level) == ("conclusion", "sms", 5)


def test_an_online_application_is_asked_about_at_acceptance_and_at_conclusion(queue, clerk, promised):
    citizen = UserFactory(kind="citizen")
    case = case_services.case_submit(matter=promised, center=queue.center, citizen=citizen, **APPLICANT)
    assert reviews_invite_by_sms() == "0 review invitations sent"  # nothing to rate before it is accepted
    case_services.case_accept(case=case, clerk=clerk, checklist=_checklist(promised), at_window=False)
    assert reviews_invite_by_sms() == "1 review invitations sent"
    assert "已受理" in sent_texts()[0]
    conclude(case, clerk)
    assert reviews_invite_by_sms() == "1 review invitations sent"
    assert sorted("已受理" in text for text in sent_texts()) == [False, True]


def test_no_invitation_for_an_instant_case_at_a_window_a_rated_stage_or_no_mobile(queue, clerk, promised, instant):
    conclude(accepted_at_window(instant, queue.center, clerk), clerk)  # the visit was rated at the window
    conclude(accepted_at_window(promised, queue.center, clerk, mobile=""), clerk)
    rated = conclude(accepted_at_window(promised, queue.center, clerk), clerk)
    review_submit(rated=rated_case(rated, stage="conclusion"), channel="web", level=4)
    assert reviews_invite_by_sms() == "0 review invitations sent"
    assert sent_texts() == []


def test_a_stage_reached_longer_ago_than_the_catch_up_is_left_to_the_portal(queue, clerk, promised):
    case = conclude(accepted_at_window(promised, queue.center, clerk), clerk)
    Case.objects.filter(pk=case.pk).update(concluded_at=timezone.now() - timezone.timedelta(hours=2))
    assert reviews_invite_by_sms() == "0 review invitations sent"
