"""Lawful use (用证): the holder sees their own; a clerk sees a citizen's only while serving their ticket or case and
with a purpose; every use is logged, granted or refused; bad input changes nothing; holder codes stay masked."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import CitizenProfile, StaffMembership, StaffRole, User
from licenses.models import LicenseAccess, LicenseStatus
from licenses.services.status import license_status_change
from queueing import services as queue_services
from queueing.models import Ticket
from tests.factories import UserFactory, clerk_of
from tests.licenses.conftest import OTHER_PERSON, PERSON

pytestmark = pytest.mark.django_db
MASKED = "1101**********002X"


@pytest.fixture
def citizen(db):
    user = User.objects.create_user(username="citizen-1", kind=User.Kind.CITIZEN, mobile="13800000001")
    CitizenProfile.objects.create(user=user, real_name="王小明", id_number=PERSON)
    return user


@pytest.fixture
def served_ticket(queue, window, clerk):
    """The citizen holding PERSON's identity card, called to `window` where `clerk` is signed in."""
    queue_services.window_sign_in(window=window, clerk=clerk)
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=PERSON)
    called = queue_services.window_call_next(window=window, clerk=clerk)
    assert called.pk == ticket.pk
    return ticket


def lookup(client, ticket, purpose):
    return client.post(f"/licenses/serve/ticket/{ticket.pk}/", {"purpose": purpose})


# --- the holder ---------------------------------------------------------------------------------------------------


def test_the_holder_sees_their_own_licences_masked_and_each_look_is_logged(client, citizen, id_card_type, make_license):
    mine = make_license(id_card_type)
    make_license(id_card_type, holder_code=OTHER_PERSON, holder_name="李四")
    client.force_login(citizen)
    page = client.get("/portal/licenses/").content.decode()
    assert mine.number in page and "李四" not in page
    copy = client.get(f"/portal/licenses/{mine.pk}/").content.decode()
    assert MASKED not in copy and PERSON in copy  # the holder's own copy is theirs in full
    assert "此件由" not in copy  # no staff watermark on the holder's own copy
    api = client.get("/api/v1/my/licenses/").json()
    assert [row["number"] for row in api] == [mine.number] and api[0]["holder_code"] == MASKED
    uses = LicenseAccess.objects.filter(user=citizen, granted=True)
    assert sorted(uses.values_list("kind", flat=True)) == ["list", "list", "view"]
    assert all(use.is_holder for use in uses)


def test_someone_elses_licence_is_not_found_and_the_attempt_is_logged(client, citizen, id_card_type, make_license):
    theirs = make_license(id_card_type, holder_code=OTHER_PERSON)
    client.force_login(citizen)
    assert client.get(f"/portal/licenses/{theirs.pk}/").status_code == 404
    refused = LicenseAccess.objects.get(granted=False)
    assert refused.user == citizen and refused.license is None


# --- staff ----------------------------------------------------------------------------------------------------------


def test_the_clerk_serving_the_holder_sees_their_licences_for_a_purpose(
    client, clerk, window, served_ticket, id_card_type, make_license
):
    license = make_license(id_card_type)
    client.force_login(clerk)
    response = lookup(client, served_ticket, "核验身份证以办理营业执照变更")
    page = response.content.decode()
    assert response.status_code == 200 and license.number in page
    use = LicenseAccess.objects.get()
    assert (use.granted, use.kind, use.channel, use.user) == (True, "list", "window", clerk)
    assert (use.context_kind, use.context_id, use.purpose) == (
        "ticket",
        served_ticket.pk,
        "核验身份证以办理营业执照变更",
    )
    assert use.center_id == served_ticket.center_id


def test_the_copy_shown_to_staff_carries_the_watermark(client, clerk, served_ticket, id_card_type, make_license):
    license = make_license(id_card_type, valid_to=datetime.date(2040, 1, 1))
    client.force_login(clerk)
    page = lookup(client, served_ticket, "核验身份").content.decode()
    link = page.split('href="/licenses/serve/ticket/')[1].split('"')[0].replace("&amp;", "&")
    copy = client.get(f"/licenses/serve/ticket/{link}")
    text = copy.content.decode()
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert f"此件由某区市场监督管理局提供，仅供办理政务服务事项时使用，有效期至{until}" in text
    assert MASKED in text and PERSON not in text
    assert LicenseAccess.objects.filter(kind="view", license=license, granted=True, purpose="核验身份").exists()


def test_a_clerk_without_the_holders_ticket_is_refused_and_logged(
    client, queue, served_ticket, id_card_type, make_license
):
    make_license(id_card_type)
    stranger = clerk_of(queue.center, username="another-clerk")
    client.force_login(stranger)
    response = lookup(client, served_ticket, "想看看")
    assert response.status_code == 403 and "正在为其服务" in response.content.decode()
    refused = LicenseAccess.objects.get()
    assert (refused.granted, refused.user, refused.context_id, refused.purpose) == (
        False,
        stranger,
        served_ticket.pk,
        "想看看",
    )


def test_a_finished_ticket_no_longer_opens_the_licences(
    client, clerk, window, served_ticket, id_card_type, make_license
):
    make_license(id_card_type)
    queue_services.ticket_start(ticket=served_ticket, clerk=clerk)
    queue_services.ticket_finish(ticket=served_ticket, clerk=clerk)
    client.force_login(clerk)
    assert lookup(client, served_ticket, "补看一眼").status_code == 403
    assert LicenseAccess.objects.get().granted is False


@pytest.mark.parametrize("purpose", ["", "   ", "\u200b", "用" * 201, "a\x00b"])
def test_a_missing_or_bad_purpose_is_refused_and_changes_nothing(client, clerk, served_ticket, purpose):
    client.force_login(clerk)
    response = lookup(client, served_ticket, purpose)
    assert response.status_code == 400
    assert "用证事由" in response.content.decode()
    assert not LicenseAccess.objects.exists()


def test_the_api_lookup_follows_the_same_rules(client, clerk, queue, served_ticket, id_card_type, make_license):
    license = make_license(id_card_type)
    client.force_login(clerk)
    body = {"context": "ticket", "id": served_ticket.pk, "purpose": "核验"}
    answer = client.post("/api/v1/licenses/lookup/", body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()[0]["number"] == license.number
    assert answer.json()[0]["holder_code"] == MASKED
    too_long = client.post("/api/v1/licenses/lookup/", {**body, "purpose": "x" * 300}, content_type="application/json")
    assert too_long.status_code == 400
    client.force_login(clerk_of(queue.center, username="other"))
    assert client.post("/api/v1/licenses/lookup/", body, content_type="application/json").status_code == 403
    assert list(LicenseAccess.objects.order_by("id").values_list("granted", flat=True)) == [True, False]


def test_a_suspension_shows_in_the_clerks_view_at_once(client, clerk, served_ticket, id_card_type, make_license):
    license = make_license(id_card_type)
    license_status_change(license=license, status=LicenseStatus.SUSPENDED, reason="涉嫌违法，暂扣")
    client.force_login(clerk)
    page = lookup(client, served_ticket, "核验").content.decode()
    assert "暂扣" in page and "查看复印件" not in page


def test_a_supervisor_who_is_not_serving_the_citizen_is_refused(
    client, queue, served_ticket, id_card_type, make_license
):
    make_license(id_card_type)
    supervisor = UserFactory(username="supervisor")
    StaffMembership.objects.create(user=supervisor, center=queue.center, role=StaffRole.SUPERVISOR)
    client.force_login(supervisor)
    assert lookup(client, served_ticket, "督查").status_code == 403


def test_no_holder_code_reaches_the_logs(client, caplog, clerk, queue, served_ticket, id_card_type, make_license):
    import logging

    from licenses.services.imports import licenses_import
    from tests.licenses.test_import import as_csv, row

    caplog.set_level(logging.DEBUG)
    make_license(id_card_type)
    client.force_login(clerk)
    lookup(client, served_ticket, "核验身份")
    client.force_login(clerk_of(queue.center, username="stranger"))
    lookup(client, served_ticket, "看看")
    bad_code = "110105194912310021"  # a wrong check character: the rejection says so without repeating it
    licenses_import(stream=as_csv([row(id_card_type, "L1", holder_code=bad_code)]), format="csv", bulk=False)
    client.get("/api/v1/licenses/verify/", {"identifier": "1.2.156.3005.2.x"})
    assert caplog.records and PERSON not in caplog.text and bad_code not in caplog.text
