"""The community station (社区代取号): a station worker takes a number for a citizen in a queue of a hall above the
station; the identity number is required and, like the mobile number, never shown in full after it was sent."""

import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape

from accounts.models import StaffMembership, StaffRole, User
from centers.models import Center
from hall import pii
from hall.models import IdempotencyRecord
from hall.notifications.models import MessageTemplate, Notification
from queueing import services
from queueing.links import kiosk_ticket_id
from queueing.models import Ticket, TicketEvent
from tests.factories import CenterFactory, QueueFactory, UserFactory, clerk_of

ID = "360426199101010071"
ID_MASKED = "3604**********0071"
ELDERLY_ID = "11010519491231002X"
BAD_CHECK_ID = "110105194912310021"  # the right check character is X
MOBILE = "13912345678"
MOBILE_MASKED = "139****5678"


def zh_text(message: str, **values) -> str:
    """What the page shows for `message` in Chinese, HTML-escaped, whether or not the catalogue has it yet."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return escape(text % values if values else text)


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


@pytest.fixture
def hall(queue):
    """The district hall of the `queue` fixture (A 商事登记), with a second queue in another zone."""
    center = queue.center
    center.level = Center.Level.DISTRICT
    center.name = "示范区政务服务中心"
    center.save()
    QueueFactory(center=center, prefix="B", name="不动产登记")
    return center


@pytest.fixture
def station(hall):
    return CenterFactory(name="文化路社区便民服务站", level=Center.Level.COMMUNITY, parent=hall)


@pytest.fixture
def worker(station):
    return clerk_of(station, "station1")


def page(client, **query):
    return client.get("/station/", query)


def issue(client, station, queue, *, key="station-key-000001", **data):
    form = {
        "station": station.pk,
        "hall": queue.center_id,
        "queue": queue.pk,
        "id_number": ID,
        "mobile": "",
        "priority_group": "",
        "idempotency_key": key,
    }
    return client.post("/station/issue/", form | data, follow=True)


def assert_no_full_numbers(html: str, *numbers: str):
    for number in numbers:
        assert number not in html, f"{number[:4]}… shown in full"


def test_the_page_lists_the_queues_of_the_hall_above_the_station(zh, station, hall, queue, worker):
    zh.force_login(worker)
    response = page(zh)
    assert response.status_code == 200
    html = response.content.decode()
    assert station.name in html and hall.name in html
    assert f'name="queue" value="{queue.pk}"' in html and "不动产登记" in html
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)
    assert 'id="station-index"' in html  # the pinyin index the search filters with
    for group in ("disabled", "military", "green_channel"):
        assert f'<option value="{group}"' in html
    assert '<option value="appointment"' not in html  # that priority comes from an appointment only


def test_the_worker_takes_a_number_with_channel_community_in_the_halls_queue(
    zh, station, hall, queue, worker, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    zh.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = issue(zh, station, queue, mobile=MOBILE)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.queue, ticket.center) == (Ticket.Channel.COMMUNITY, queue, hall)
    assert ticket.identity_hash == pii.blind_index("id_number", ID)
    assert ticket.mobile == MOBILE and IdempotencyRecord.objects.get(scope="station-issue").result_id == ticket.pk
    assert TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.ISSUED).actor == worker
    # The citizen's SMS through the issue flow: the station's own template (with the live link, tested below).
    sms = Notification.objects.get()
    assert sms.template == "station_ticket_issued"
    assert sms.mobile == MOBILE and ticket.number in sms.text

    url, _status = response.redirect_chain[-1]
    assert url.startswith("/station/tickets/")
    html = response.content.decode()
    assert f'data-testid="ticket-number">{ticket.number}<' in html and ticket.number == "A001"
    assert 'data-testid="ahead">0<' in html and 'data-testid="estimate"' in html
    assert "商事登记" in html and hall.name in html
    # The link a phone follows is on the hall's public address, the same as in the SMS.
    assert re.search(r'data-testid="live-link">http://localhost:8000/t/[^<]+<', html)
    assert 'class="kiosk-qr"' in html and "data-kiosk-print" in html
    assert ID_MASKED in html and MOBILE_MASKED in html
    assert_no_full_numbers(html, ID, MOBILE)
    assert ID not in caplog.text and MOBILE not in caplog.text

    # The result page can be opened again (and printed) by the worker.
    again = zh.get(url).content.decode()
    assert f'data-testid="ticket-number">{ticket.number}<' in again
    assert_no_full_numbers(again, ID, MOBILE)


def test_the_sms_carries_the_live_ticket_link_which_opens_the_citizens_page(
    zh, station, hall, queue, worker, settings, django_capture_on_commit_callbacks, caplog, eager_celery
):
    settings.HALL_PUBLIC_URL = "https://hall.example.gov.cn"
    caplog.set_level(logging.DEBUG)
    zh.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):  # delivered too: the console backend logs the text
        issue(zh, station, queue, mobile=MOBILE)
    ticket = Ticket.objects.get()

    sms = Notification.objects.get(event_key=f"ticket:{ticket.pk}:issued")
    links = re.findall(r"https?://\S+", sms.text)
    assert len(links) == 1 and links[0].startswith("https://hall.example.gov.cn/t/")
    assert sms.text == (
        f"您已取{hall.name}的号{ticket.number}，商事登记，前面还有0人。实时排队进度：{links[0]}"
    )  # the default text of the template, as the migration made it
    assert sms.status == Notification.Status.SENT
    assert ID not in sms.text and ID not in caplog.text and MOBILE not in caplog.text

    # The link opens the citizen's live page of this ticket, for anyone holding it: no sign-in.
    path = links[0].removeprefix("https://hall.example.gov.cn")
    zh.logout()
    response = zh.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="citizen-number">{ticket.number}<' in html and "商事登记" in html
    assert_no_full_numbers(html, ID, MOBILE)


def test_a_hall_that_edited_the_station_sms_keeps_its_text(zh, station, queue, worker):
    """Halls edit templates in the admin; a text without the link is sent as written."""
    MessageTemplate.objects.filter(code="station_ticket_issued").update(text="您的号{number}，请按时到场。")
    zh.force_login(worker)
    issue(zh, station, queue, mobile=MOBILE)
    assert Notification.objects.get().text == f"您的号{Ticket.objects.get().number}，请按时到场。"


def test_a_kiosk_ticket_keeps_the_plain_issue_sms(queue):
    """Only the station's SMS changes: a number taken at the kiosk gets `ticket_issued` as before, without a link."""
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, mobile=MOBILE)
    sms = Notification.objects.get()
    assert sms.template == "ticket_issued" and "/t/" not in sms.text and ticket.number in sms.text


def test_a_retried_request_with_the_same_key_gives_the_same_ticket(zh, station, queue, worker):
    zh.force_login(worker)
    first = issue(zh, station, queue, key="retried-key-00001")
    second = issue(zh, station, queue, key="retried-key-00001")
    ticket = Ticket.objects.get()
    # The same ticket's page: the tokens name the same ticket (their signing time may differ by a second).
    tokens = [response.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1] for response in (first, second)]
    assert [kiosk_ticket_id(token) for token in tokens] == [ticket.pk, ticket.pk]
    assert f'data-testid="ticket-number">{ticket.number}<' in second.content.decode()


def test_a_priority_group_vouched_for_by_the_worker(zh, station, queue, worker):
    zh.force_login(worker)
    html = issue(zh, station, queue, priority_group="disabled").content.decode()
    assert Ticket.objects.get().priority_group == "disabled"
    assert 'data-testid="priority"' in html and "残疾人" in html


def test_the_elderly_are_recognised_from_the_identity_number(zh, station, queue, worker):
    zh.force_login(worker)
    issue(zh, station, queue, id_number=ELDERLY_ID)
    assert Ticket.objects.get().priority_group == "elderly"


def test_an_invalid_identity_number_is_refused_and_the_form_kept(zh, station, queue, worker, caplog):
    caplog.set_level(logging.DEBUG)
    zh.force_login(worker)
    response = issue(zh, station, queue, id_number=BAD_CHECK_ID, mobile=MOBILE, priority_group="military")
    assert response.status_code == 200 and not response.redirect_chain
    html = response.content.decode()
    assert zh_text("This identity card number is not valid: its check character does not match.") in html
    assert Ticket.objects.count() == 0
    # Kept: the queue, the priority group, the mobile number (masked, as a sealed token); never a number in full.
    assert re.search(rf'name="queue" value="{queue.pk}" required\s+checked', html)
    assert '<option value="military" selected>' in html
    assert MOBILE_MASKED in html and 'name="mobile_kept"' in html
    assert 'name="id_number_kept"' not in html  # a wrong number is typed again
    assert_no_full_numbers(html, BAD_CHECK_ID, MOBILE)
    assert BAD_CHECK_ID not in caplog.text and MOBILE not in caplog.text


def test_the_identity_number_is_required(zh, station, queue, worker):
    zh.force_login(worker)
    html = issue(zh, station, queue, id_number="").content.decode()
    assert zh_text("Enter the citizen's identity card number: the number is taken on their behalf.") in html
    assert Ticket.objects.count() == 0


def test_a_bad_mobile_number_is_refused(zh, station, queue, worker):
    zh.force_login(worker)
    html = issue(zh, station, queue, mobile="12345").content.decode()
    assert zh_text("Enter an 11-digit mainland mobile number, such as 13812345678.") in html
    assert Ticket.objects.count() == 0
    assert ID_MASKED in html and 'name="id_number_kept"' in html
    assert_no_full_numbers(html, ID)


def test_a_closed_queue_keeps_the_numbers_masked_and_the_next_try_needs_no_retyping(zh, station, queue, worker):
    queue.is_accepting = False
    queue.save()
    zh.force_login(worker)
    response = issue(zh, station, queue, mobile=MOBILE)
    html = response.content.decode()
    assert zh_text("This queue is not taking tickets now.") in html
    assert Ticket.objects.count() == 0
    assert ID_MASKED in html and MOBILE_MASKED in html
    assert_no_full_numbers(html, ID, MOBILE)

    queue.is_accepting = True
    queue.save()
    kept = {
        name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1) for name in ("id_number_kept", "mobile_kept")
    }
    issue(zh, station, queue, id_number="", key="second-try-00001", **kept)
    ticket = Ticket.objects.get()
    assert ticket.identity_hash == pii.blind_index("id_number", ID) and ticket.mobile == MOBILE


def test_a_forged_kept_token_counts_for_nothing(zh, station, queue, worker):
    zh.force_login(worker)
    html = issue(zh, station, queue, id_number="", id_number_kept="forged").content.decode()
    assert zh_text("Enter the citizen's identity card number: the number is taken on their behalf.") in html
    assert Ticket.objects.count() == 0


def test_the_per_person_limits_hold_at_the_station(zh, station, queue, worker):
    zh.force_login(worker)
    issue(zh, station, queue, key="first-ticket-0001")
    html = issue(zh, station, queue, key="second-ticket-001").content.decode()
    assert zh_text("You already hold a number in this queue today.") in html
    assert Ticket.objects.count() == 1


def test_a_queue_of_a_hall_not_above_the_station_is_refused(zh, station, hall, queue, worker):
    elsewhere = QueueFactory(prefix="Z", name="别处")
    zh.force_login(worker)
    assert issue(zh, station, elsewhere).status_code == 404  # its hall is not above the station
    response = issue(zh, station, elsewhere, hall=hall.pk)  # the station's hall with a queue of another
    assert zh_text("Choose a queue of this hall.") in response.content.decode()
    assert Ticket.objects.count() == 0
    # An old link to another hall opens the nearest hall of the station.
    assert hall.name in page(zh, hall=elsewhere.center_id).content.decode()


def test_who_may_use_the_station_page(client, station, queue, worker, hall):
    assert client.get("/station/").status_code == 302  # anonymous: to the sign-in page
    response = client.post("/station/issue/", {"station": station.pk, "queue": queue.pk, "id_number": ID})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    citizen = User.objects.create(username="citizen", kind=User.Kind.CITIZEN)
    hall_clerk = clerk_of(hall, "hall_clerk")  # a clerk of the hall, not of the station
    other_station = CenterFactory(level=Center.Level.COMMUNITY, parent=QueueFactory(prefix="Z").center)
    other_worker = clerk_of(other_station, "other_station")
    for outsider in (citizen, hall_clerk):
        client.force_login(outsider)
        assert client.get("/station/").status_code == 403
        assert issue(client, station, queue).status_code == 403
    client.force_login(other_worker)
    assert client.get("/station/", {"station": station.pk}).status_code == 403
    assert issue(client, station, queue).status_code == 403
    assert Ticket.objects.count() == 0

    supervisor = UserFactory(username="supervisor")
    StaffMembership.objects.create(user=supervisor, center=hall, role=StaffRole.SUPERVISOR)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for allowed in (worker, supervisor, admin):
        client.force_login(allowed)
        assert client.get("/station/").status_code == 200, allowed.username


def test_the_result_page_is_for_the_stations_of_its_hall_only(client, station, queue, worker):
    client.force_login(worker)
    url = issue(client, station, queue).redirect_chain[-1][0]
    other_worker = clerk_of(CenterFactory(level=Center.Level.COMMUNITY, parent=QueueFactory(prefix="Z").center), "o")
    client.force_login(other_worker)
    assert client.get(url).status_code == 404
    client.force_login(clerk_of(queue.center, "hall_clerk"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get("/station/tickets/forged/").status_code == 302  # signed in first, then 404
    client.force_login(worker)
    assert client.get("/station/tickets/forged/").status_code == 404


def test_the_demo_has_a_station_whose_worker_takes_numbers_in_the_district_hall(client, db):
    call_command("load_demo", quiet=True, no_traffic=True, stdout=StringIO())
    station = Center.objects.get(level=Center.Level.COMMUNITY)
    assert station.parent.code == "DEMO"
    client.force_login(User.objects.get(username="station1"))
    html = client.get("/station/").content.decode()
    assert station.name in html and station.parent.name in html
    assert re.search(r'name="queue" value="\d+"', html)
