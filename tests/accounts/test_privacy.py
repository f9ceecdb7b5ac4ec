"""PIPL in the portal: registration needs consent to the privacy notice, recorded with its version; a citizen
downloads what the hall holds about them and deletes the account, with what the law keeps kept and said."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import CitizenProfile, CompanyAgent, PrivacyConsent
from accounts.privacy import PRIVACY_NOTICE_VERSION
from evaluations.models import Review
from hall.models import AuditEntry
from matters.models import Case
from matters.services import case_submit
from queueing import services
from queueing.models import Ticket
from tests.accounts.conftest import last_code
from tests.factories import MatterFactory, QueueFactory, UserFactory

User = get_user_model()
MOBILE = "13912345678"
PASSWORD = "Hall-portal-2026"
ID_NUMBER = "360426199101010071"

pytestmark = pytest.mark.django_db


def register(client, capture, outbox, **extra):
    with capture(execute=True):
        client.post("/portal/register/", {"mobile": MOBILE, "action": "send_code"})
    form = {"mobile": MOBILE, "code": last_code(outbox), "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post("/portal/register/", form, follow=True)


def test_registration_without_consent_opens_no_account(zh, django_capture_on_commit_callbacks, sms_outbox):
    page = register(zh, django_capture_on_commit_callbacks, sms_outbox).content.decode()
    assert "请阅读并同意《个人信息保护告知书》后再注册。" in page
    assert not User.objects.filter(kind=User.Kind.CITIZEN).exists()


def test_registration_records_the_consent_with_its_version(zh, django_capture_on_commit_callbacks, sms_outbox):
    register(zh, django_capture_on_commit_callbacks, sms_outbox, consent="on")
    consent = PrivacyConsent.objects.get()
    assert (consent.user.mobile, consent.version, consent.channel) == (MOBILE, PRIVACY_NOTICE_VERSION, "registration")


@pytest.fixture
def citizen(zh):
    user = User.objects.create(username="c1", kind=User.Kind.CITIZEN, mobile=MOBILE)
    user.set_password(PASSWORD)
    user.save()
    CitizenProfile.objects.create(user=user, real_name="张伟", id_number=ID_NUMBER)
    zh.force_login(user)
    return user


def test_a_citizen_without_consent_is_asked_once_and_a_second_consent_is_refused(zh, citizen):
    assert 'data-testid="consent-due"' in zh.get("/portal/").content.decode()
    zh.post("/portal/privacy/consent/")
    assert 'data-testid="consent-due"' not in zh.get("/portal/").content.decode()
    again = zh.post("/portal/privacy/consent/", follow=True).content.decode()
    assert "您已同意过此版本的《个人信息保护告知书》。" in again
    assert PrivacyConsent.objects.filter(user=citizen).count() == 1


def test_the_notice_says_what_why_how_long_and_who(client):
    page = client.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for said in ("收集哪些信息", "谁能看到", "保存多久", "办件属于政务档案", PRIVACY_NOTICE_VERSION):
        assert said in page


@pytest.fixture
def records(citizen):
    """A number waiting and one served and reviewed with a comment, a case submitted online, a company, and a
    stranger's number."""
    queue, other_queue = QueueFactory(prefix="A"), QueueFactory(prefix="B")
    waiting = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, citizen=citizen, mobile=MOBILE)
    served = services.ticket_issue(queue=other_queue, channel=Ticket.Channel.WEB, citizen=citizen)
    Ticket.objects.filter(pk=served.pk).update(status=Ticket.Status.FINISHED, finished_at=timezone.now())
    now = timezone.now()
    review = Review.objects.create(
        ticket=served,
        stage=Review.Stage.SERVICE,
        channel=Review.Channel.WEB,
        level=5,
        comment="张伟 很满意",
        center=other_queue.center,
        served_at=now,
        rated_at=now,
        rated_on=timezone.localdate(now),
    )
    case = case_submit(matter=MatterFactory(), center=queue.center, citizen=citizen, applicant_name="张伟")
    stranger = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    CompanyAgent.objects.create(user=citizen, company_name="示范科技有限公司", uscc="91310115MA1H7Q1X2K")
    return {"waiting": waiting, "served": served, "review": review, "case": case, "stranger": stranger}


def test_the_download_holds_the_citizens_own_records_only(zh, citizen, records):
    response = zh.get("/portal/my-data/download.json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["mobile"] == MOBILE and data["account"]["identity_card_number"] == ID_NUMBER
    numbers = {t["number"] for t in data["tickets"]["records"]}
    assert numbers == {records["waiting"].number, records["served"].number}
    assert data["companies"][0]["name"] == "示范科技有限公司"
    assert [c["number"] for c in data["cases"]["records"]] == [records["case"].number]
    assert data["reviews"]["records"][0]["comment"] == "张伟 很满意"
    assert "办件属于政务档案" in data["cases"]["kept_on_deletion"]
    stranger = records["stranger"].number
    assert stranger not in {t["number"] for t in data["tickets"]["records"]}
    page = zh.get("/portal/my-data/").content.decode()
    assert ID_NUMBER not in page and MOBILE not in page  # the page masks; only the download is whole


def test_a_deletion_without_the_password_changes_nothing(zh, citizen, records):
    response = zh.post("/portal/delete-account/", {"confirm": "1", "password": "wrong"})
    assert response.status_code == 400
    assert "请勾选确认并输入密码后再注销账号" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.is_active and citizen.mobile == MOBILE and CitizenProfile.objects.filter(user=citizen).exists()
    assert zh.post("/portal/delete-account/", {"password": PASSWORD}).status_code == 400  # not ticked


def test_the_deletion_erases_what_it_may_and_keeps_what_the_law_keeps(zh, citizen, records):
    PrivacyConsent.objects.create(user=citizen, version=PRIVACY_NOTICE_VERSION, given_at=records["served"].issued_at)
    response = zh.post("/portal/delete-account/", {"confirm": "1", "password": PASSWORD}, follow=True)
    assert "您的账号已注销" in response.content.decode()
    citizen.refresh_from_db()
    assert (citizen.is_active, citizen.username, citizen.mobile) == (False, f"deleted-{citizen.pk}", "")
    assert not citizen.has_usable_password()
    assert not CitizenProfile.objects.filter(user=citizen).exists()
    assert not CompanyAgent.objects.filter(user=citizen).exists()
    waiting = Ticket.objects.get(pk=records["waiting"].pk)
    assert (waiting.status, waiting.citizen_id, waiting.mobile) == (Ticket.Status.CANCELLED, None, "")
    served = Ticket.objects.get(pk=records["served"].pk)
    assert (served.status, served.citizen_id, served.identity_hash) == (Ticket.Status.FINISHED, None, "")
    assert Ticket.objects.get(pk=records["stranger"].pk).status == Ticket.Status.WAITING
    assert PrivacyConsent.objects.filter(user=citizen).exists()  # the proof of consent stays
    assert AuditEntry.objects.filter(action="account_deleted").count() == 1
    case = Case.objects.get(pk=records["case"].pk)
    assert (case.citizen_id, case.applicant_name) == (None, "张伟")  # the government record stays
    assert Review.objects.get(pk=records["review"].pk).comment == ""  # the rating stays, the words go
    signing_in = zh.post("/portal/login/", {"mobile": MOBILE, "password": PASSWORD}).content.decode()
    assert "手机号或密码错误" in signing_in


def test_staff_have_no_citizen_data_pages(client):
    client.force_login(UserFactory(username="clerk"))
    for url in ("/portal/my-data/", "/portal/my-data/download.json", "/portal/delete-account/"):
        assert client.get(url).status_code == 403
