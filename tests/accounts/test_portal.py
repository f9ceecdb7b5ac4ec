"""Citizens register and sign in with their mobile number; their real-name profile is validated and masked."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import CitizenProfile, CompanyAgent, OneTimeCode
from tests.accounts.conftest import last_code

User = get_user_model()
MOBILE = "13912345678"
PASSWORD = "Hall-portal-2026"

pytestmark = pytest.mark.django_db


def send_code(client, url, capture, mobile=MOBILE):
    with capture(execute=True):
        return client.post(url, {"mobile": mobile, "action": "send_code"}, follow=True)


def register(client, capture, outbox, mobile=MOBILE):
    send_code(client, "/portal/register/", capture, mobile)
    return client.post(
        "/portal/register/",
        {
            "mobile": mobile,
            "code": last_code(outbox),
            "password1": PASSWORD,
            "password2": PASSWORD,
            "consent": "on",
            "action": "go",
        },
        follow=True,
    )


def test_register_with_an_sms_code(zh, django_capture_on_commit_callbacks, sms_outbox):
    page = send_code(zh, "/portal/register/", django_capture_on_commit_callbacks)
    assert "验证码已发送到您的手机" in page.content.decode()
    assert sms_outbox[-1].mobile == MOBILE and "5分钟内有效" in sms_outbox[-1].text
    response = zh.post(
        "/portal/register/",
        {
            "mobile": MOBILE,
            "code": last_code(sms_outbox),
            "password1": PASSWORD,
            "password2": PASSWORD,
            "consent": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/portal/profile/"
    user = User.objects.get(kind=User.Kind.CITIZEN)
    assert user.mobile == MOBILE and user.check_password(PASSWORD)
    assert "欢迎" in response.content.decode()


def test_a_wrong_code_registers_nobody_and_five_wrong_codes_kill_the_code(
    zh, django_capture_on_commit_callbacks, sms_outbox
):
    send_code(zh, "/portal/register/", django_capture_on_commit_callbacks)
    good = last_code(sms_outbox)
    wrong = f"{(int(good) + 1) % 10**6:06d}"
    form = {"mobile": MOBILE, "password1": PASSWORD, "password2": PASSWORD, "consent": "on"}
    for _ in range(5):
        page = zh.post("/portal/register/", {**form, "code": wrong}).content.decode()
        assert "验证码错误或已过期" in page
    assert OneTimeCode.objects.get().attempts == 5
    page = zh.post("/portal/register/", {**form, "code": good}).content.decode()
    assert "验证码错误或已过期" in page
    assert not User.objects.filter(kind=User.Kind.CITIZEN).exists()


def test_a_second_code_within_a_minute_is_refused(zh, django_capture_on_commit_callbacks, sms_outbox):
    send_code(zh, "/portal/login/code/", django_capture_on_commit_callbacks)
    page = send_code(zh, "/portal/login/code/", django_capture_on_commit_callbacks).content.decode()
    assert "请一分钟后再获取" in page
    assert len(sms_outbox) == 1


def test_bad_mobile_numbers_are_field_errors_in_both_languages(client):
    for language, says in (("zh-hans", "请输入 11 位大陆手机号"), ("en", "Enter an 11-digit mainland mobile number")):
        page = client.post("/portal/login/", {"mobile": "1234<script>", "password": "x"}, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert says in page.content.decode()
        assert "<script>" not in page.content.decode().split("<body", 1)[1].replace("&lt;script&gt;", "")


def test_sign_in_with_password_then_with_an_sms_code(client, django_capture_on_commit_callbacks, sms_outbox):
    register(client, django_capture_on_commit_callbacks, sms_outbox)
    client.post("/accounts/logout/")
    response = client.post("/portal/login/", {"mobile": MOBILE, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert response["Location"] == "/portal/"
    client.post("/accounts/logout/")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):  # past the one-code-a-minute rule
        send_code(client, "/portal/login/code/", django_capture_on_commit_callbacks)
        response = client.post("/portal/login/code/", {"mobile": MOBILE, "code": last_code(sms_outbox)})
        assert response.status_code == 302
        assert client.get("/portal/profile/").status_code == 200


def test_five_wrong_passwords_lock_the_account(zh, django_capture_on_commit_callbacks, sms_outbox):
    register(zh, django_capture_on_commit_callbacks, sms_outbox)
    zh.post("/accounts/logout/")
    for _ in range(4):
        assert "手机号或密码错误" in zh.post("/portal/login/", {"mobile": MOBILE, "password": "wrong"}).content.decode()
    assert zh.post("/portal/login/", {"mobile": MOBILE, "password": "wrong"}).status_code == 429  # the fifth
    locked = zh.post("/portal/login/", {"mobile": MOBILE, "password": PASSWORD})
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in zh.session


def test_staff_sign_in_locks_after_five_failures_too(zh, db):
    staff = User.objects.create_user(username="clerk01", password=PASSWORD)
    for _ in range(5):
        zh.post("/accounts/login/", {"username": staff.username, "password": "wrong"})
    locked = zh.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in zh.session


def test_sign_in_attempts_from_one_address_are_rate_limited(client, db):
    with time_machine.travel(timezone.now(), tick=False):  # all in one minute of the fixed-window counter
        codes = [client.post("/accounts/login/", {"username": f"u{i}", "password": "x"}).status_code for i in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429


@pytest.fixture
def citizen(client, django_capture_on_commit_callbacks, sms_outbox):
    register(client, django_capture_on_commit_callbacks, sms_outbox)
    return User.objects.get(kind=User.Kind.CITIZEN)


def test_real_name_profile_is_validated_saved_encrypted_and_shown_masked(client, citizen):
    page = client.post(
        "/portal/profile/", {"real_name": "张三", "id_number": "110105194912310021"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "身份证号无效：校验码不符。" in page.content.decode()
    assert not CitizenProfile.objects.exists()
    page = client.post(
        "/portal/profile/", {"real_name": "张三明", "id_number": "11010519491231002x"}, follow=True
    ).content.decode()
    assert "1101**********002X" in page and "张*明" in page
    assert "11010519491231002X" not in page and "张三明" not in page
    assert CitizenProfile.objects.get(user=citizen).id_number == "11010519491231002X"


def test_one_identity_number_belongs_to_one_account(client, citizen, django_capture_on_commit_callbacks, sms_outbox):
    client.post("/portal/profile/", {"real_name": "张三明", "id_number": "11010519491231002X"})
    client.post("/accounts/logout/")
    register(client, django_capture_on_commit_callbacks, sms_outbox, mobile="13912345679")
    page = client.post(
        "/portal/profile/", {"real_name": "李四", "id_number": "11010519491231002X"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "该身份证号已被其他账号使用。" in page
    assert CitizenProfile.objects.count() == 1


def test_company_agents_need_a_valid_credit_code(client, citizen):
    page = client.post(
        "/portal/companies/",
        {"company_name": "示范科技有限公司", "uscc": "91110000600037341M"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "统一社会信用代码无效" in page
    client.post("/portal/companies/", {"company_name": "示范科技有限公司", "uscc": "91110000600037341l"})
    agent = CompanyAgent.objects.get(user=citizen)
    assert agent.uscc == "91110000600037341L"
    client.post(f"/portal/companies/{agent.pk}/remove/")
    assert not CompanyAgent.objects.exists()


def test_elderly_mode_persists_for_the_device_and_the_account(client, citizen):
    client.post("/portal/elderly-mode/", {"enabled": "1", "next": "/portal/"})
    assert 'class="portal elderly"' in client.get("/portal/").content.decode()
    citizen.refresh_from_db()
    assert citizen.elderly_mode
    other_device = type(client)()
    other_device.force_login(citizen)
    assert 'class="portal elderly"' in other_device.get("/portal/").content.decode()
    client.post("/portal/elderly-mode/", {"enabled": "0", "next": "/portal/"})
    assert "elderly" not in client.get("/portal/").content.decode().split("<body", 1)[1].split(">", 1)[0]
