"""The guide, the citizen's cases, the case desk and the clerk's case work at the window, as people use them."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from hall.models import AuditEntry
from matters import services
from matters.models import Bundle, BundleItem, Case, CaseType, Fee, Material, Theme
from queueing import services as queue_services
from queueing.models import Ticket
from tests.factories import LicenseTypeFactory, MatterFactory

pytestmark = pytest.mark.django_db
TUESDAY = datetime.datetime(2026, 11, 3, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def guide(queue):
    licence = LicenseTypeFactory(name="不动产权证书")
    matter = MatterFactory(
        name="不动产转移登记", case_type=CaseType.PROMISED, promised_limit_days=3, legal_limit_days=30
    )
    Material.objects.create(matter=matter, name="不动产登记申请书", sort_order=1)
    Material.objects.create(matter=matter, name="不动产权证书", license_type=licence, sort_order=2)
    Material.objects.create(matter=matter, name="授权委托书", is_required=False, condition="委托办理的", sort_order=3)
    Fee.objects.create(matter=matter, name="不动产登记费", standard="住宅类每件80元")
    tax = MatterFactory(name="存量房交易税费申报", department=matter.department)
    Material.objects.create(matter=tax, name="不动产权证书", license_type=licence)
    queue.matters.add(matter)
    theme = Theme.objects.create(code="goufang", name="买房", kind=Theme.Kind.LIFE_EVENT)
    matter.themes.add(theme)
    bundle = Bundle.objects.create(code="ESF-01", name="二手房交易登记一件事")
    BundleItem.objects.create(bundle=bundle, matter=tax, sort_order=1)
    BundleItem.objects.create(bundle=bundle, matter=matter, sort_order=2)
    return {"matter": matter, "tax": tax, "bundle": bundle, "theme": theme}


def zh() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_guide_browses_searches_and_shows_a_matter(guide, queue):
    client = zh()
    front = text(client.get("/guide/"))
    assert "买房" in front and "二手房交易登记一件事" in front
    assert "不动产转移登记" in text(client.get("/guide/", {"q": "bdczy"}))
    assert "不动产转移登记" in text(client.get("/guide/", {"theme": guide["theme"].pk}))
    page = client.get(f"/guide/matters/{guide['matter'].pk}/")
    body = text(page)
    assert "不动产登记申请书" in body and "住宅类每件80元" in body
    assert "不动产权证书" in body and "电子证照" in body  # no paper needed with the e-licence
    assert f"/portal/take/?queue={queue.pk}" in page.content.decode()  # the button to take a number
    assert "3 个工作日" in body or "3个工作日" in body


def test_the_bundle_asks_for_a_shared_material_once(guide):
    body = text(zh().get(f"/guide/bundles/{guide['bundle'].pk}/"))
    assert body.count("不动产权证书") == 1 + body.count("不动产权证书（")  # once in the list of materials
    assert "存量房交易税费申报、不动产转移登记" in body


@pytest.mark.parametrize(
    "path",
    ["/guide/?department=abc", "/guide/?theme=１e3", "/guide/?q=%3Cscript%3E", "/guide/?q=" + "字" * 500],
)
def test_hostile_guide_queries_are_answered_calmly(guide, path):
    response = zh().get(path)
    assert response.status_code == 200 and b"<script>" not in response.content.split(b"</head>")[1].replace(
        b'<script src="', b""
    )


def test_an_inactive_or_unknown_matter_is_not_found(guide):
    guide["matter"].is_active = False
    guide["matter"].save()
    assert zh().get(f"/guide/matters/{guide['matter'].pk}/").status_code == 404
    assert zh().get("/guide/matters/999999/").status_code == 404
    assert zh().get(f"/guide/materials/{guide['matter'].materials.first().pk}/form/").status_code == 404


@pytest.fixture
def at_window(guide, queue, window, clerk):
    queue_services.window_sign_in(window=window, clerk=clerk)
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, matter=guide["matter"])
    queue_services.window_call_next(window=window, clerk=clerk)
    client = zh()
    client.force_login(clerk)
    return {"client": client, "ticket": ticket, "matter": guide["matter"]}


def _checklist_post(matter, **states) -> dict:
    data = {"matter": matter.pk, "applicant_name": "张三", "id_number": "11010519491231002X", "delivery": "pickup"}
    for material in matter.materials.all():
        data[f"material-{material.pk}"] = states.get(material.name, "received")
    data[f"material-{matter.materials.get(name='授权委托书').pk}"] = "not_needed"
    return data


def test_the_clerk_accepts_a_case_from_the_ticket_in_service(at_window):
    client, ticket, matter = at_window["client"], at_window["ticket"], at_window["matter"]
    page = text(client.get(f"/clerk/tickets/{ticket.pk}/case/"))
    assert "不动产登记申请书" in page and "电子证照" in page
    refused = client.post(f"/clerk/tickets/{ticket.pk}/case/", _checklist_post(matter, 不动产登记申请书="missing"))
    assert refused.status_code == 200 and "缺少必要材料" in text(refused) and Case.objects.count() == 0
    accepted = client.post(
        f"/clerk/tickets/{ticket.pk}/case/",
        {**_checklist_post(matter, 不动产登记申请书="missing"), "missing_reason": "承诺三日内补交"},
    )
    case = Case.objects.get()
    assert accepted.status_code == 302 and accepted["Location"] == f"/cases/{case.pk}/"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_MATERIAL_OVERRIDE, target_id=str(case.pk)).exists()
    desk = text(client.get("/cases/"))
    assert case.number in desk


def test_the_case_page_refuses_concluding_during_corrections_and_changes_nothing(at_window):
    client, ticket, matter = at_window["client"], at_window["ticket"], at_window["matter"]
    client.post(f"/clerk/tickets/{ticket.pk}/case/", _checklist_post(matter))
    case = Case.objects.get()
    client.post(f"/cases/{case.pk}/correction/", {"items": "补交申请书原件"})
    response = client.post(f"/cases/{case.pk}/conclude/", {"outcome": "approved"}, follow=True)
    assert "正在等待补正" in text(response)
    case.refresh_from_db()
    assert case.status == Case.Status.CORRECTION and case.concluded_at is None
    client.post(f"/cases/{case.pk}/resubmit/")
    done = client.post(f"/cases/{case.pk}/conclude/", {"outcome": "refused", "reason": ""}, follow=True)
    assert "不予许可的理由" in text(done)
    assert Case.objects.get().status == Case.Status.ACCEPTED
    assert client.post(f"/cases/{case.pk}/explode/").status_code == 404


def test_a_citizen_follows_only_their_own_cases_with_the_time_left(guide, clerk, queue):
    citizen = User.objects.create_user(username="c1", password="x", kind=User.Kind.CITIZEN, first_name="张伟")
    other = User.objects.create_user(username="c2", password="x", kind=User.Kind.CITIZEN)
    with time_machine.travel(TUESDAY, tick=False):
        case = services.case_accept(
            matter=guide["matter"],
            center=queue.center,
            clerk=clerk,
            checklist={m.pk: "received" for m in guide["matter"].materials.filter(is_required=True)},
            applicant_name="张伟",
            citizen=citizen,
        )
        services.case_request_correction(case=case, clerk=clerk, items="补交购房合同原件")
        client = zh()
        client.force_login(citizen)
        listing = text(client.get("/portal/cases/"))
        detail = text(client.get(f"/portal/cases/{case.pk}/"))
    assert case.number in listing and "补正" in listing
    assert "补交购房合同原件" in detail
    client.force_login(other)
    assert client.get(f"/portal/cases/{case.pk}/").status_code == 404
    staff = zh()
    staff.force_login(clerk)
    assert staff.get("/portal/cases/").status_code == 403  # staff accounts have no citizen pages


def test_the_kiosk_opens_the_guide_laid_out_for_touch_with_its_way_back(guide, queue):
    client = zh()
    kiosk = client.get(f"/kiosk/{queue.center_id}/").content.decode()
    assert "/guide/?on=kiosk&amp;back=" in kiosk
    back = f"/kiosk/{queue.center_id}/"
    page = client.get("/guide/", {"on": "kiosk", "back": back}).content.decode()
    assert "guide-kiosk" in page and f'href="{back}"' in page
    matter = client.get(f"/guide/matters/{guide['matter'].pk}/", {"on": "kiosk", "back": back}).content.decode()
    assert f'href="{back}"' in matter and "/portal/take/" not in matter  # on the kiosk, back to the kiosk to queue
    for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        main = client.get("/guide/", {"on": "kiosk", "back": elsewhere}).content.decode().split("<main")[1]
        assert "evil" not in main and "javascript:" not in main


def test_a_citizen_applies_online_in_their_real_name(guide, queue):
    from accounts.models import CitizenProfile

    citizen = User.objects.create_user(username="c9", password="x", kind=User.Kind.CITIZEN, mobile="13700000009")
    client = zh()
    client.force_login(citizen)
    matter = guide["matter"]
    assert "实名" in text(client.get(f"/guide/matters/{matter.pk}/apply/"))  # no profile yet: complete it first
    CitizenProfile.objects.create(user=citizen, real_name="赵敏", id_number="360426199101010071")
    refused = client.post(f"/guide/matters/{matter.pk}/apply/", {"center": "abc"}, follow=True)
    assert "选择" in text(refused) and Case.objects.count() == 0
    done = client.post(f"/guide/matters/{matter.pk}/apply/", {"center": queue.center_id}, follow=True)
    case = Case.objects.get()
    assert case.status == Case.Status.SUBMITTED and case.applicant_name == "赵敏" and case.citizen == citizen
    assert case.applicant_id_number == "360426199101010071" and case.number in text(done)
    offline = MatterFactory(name="线下事项", online_depth=2)
    assert client.get(f"/guide/matters/{offline.pk}/apply/").status_code == 404


def test_a_blank_form_uploaded_in_the_admin_is_downloaded_from_the_guide(guide, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    material = guide["matter"].materials.get(name="不动产登记申请书")
    material.blank_form.save("申请书.docx", ContentFile(b"blank form"), save=True)
    assert str(tmp_path) in material.blank_form.path  # kept under the hall's media root
    response = zh().get(f"/guide/materials/{material.pk}/form/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"blank form"
    assert "attachment" in response["Content-Disposition"]
    assert zh().get(f"/guide/materials/{material.pk}/sample/").status_code == 404  # none uploaded
    assert zh().get(f"/guide/materials/{material.pk}/secret/").status_code == 404
