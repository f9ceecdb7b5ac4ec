"""The catalogue through the API (public, cacheable) and cases for staff and for the citizen's own."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import StaffMembership, StaffRole
from matters import services
from matters.models import Bundle, BundleItem, Case, CaseType, Material, Theme
from tests.factories import CenterFactory, MatterFactory, UserFactory, clerk_of

pytestmark = pytest.mark.django_db
TUESDAY = datetime.datetime(2026, 11, 3, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def catalogue():
    theme = Theme.objects.create(code="kaiban", name="开办企业", kind=Theme.Kind.LIFE_EVENT)
    setup = MatterFactory(name="有限责任公司设立登记", case_type=CaseType.PROMISED, promised_limit_days=3)
    seal = MatterFactory(name="公章刻制备案", department=setup.department)
    setup.themes.add(theme)
    for matter in (setup, seal):
        Material.objects.create(matter=matter, name="法定代表人身份证件")
    Material.objects.create(matter=setup, name="公司章程")
    bundle = Bundle.objects.create(code="KB-01", name="开办企业一件事")
    BundleItem.objects.create(bundle=bundle, matter=setup, sort_order=1)
    BundleItem.objects.create(bundle=bundle, matter=seal, sort_order=2)
    return {"setup": setup, "seal": seal, "bundle": bundle, "theme": theme}


def test_search_by_chinese_pinyin_initials_and_syllables(catalogue):
    client = APIClient()
    for query in ("设立", "yxzrgs", "youxian", "ＹＸＺＲ"):
        names = [m["name"] for m in client.get("/api/v1/matters/", {"q": query}).json()]
        assert names == ["有限责任公司设立登记"], query
    assert len(client.get("/api/v1/matters/").json()) == 2
    themed = client.get("/api/v1/matters/", {"theme": catalogue["theme"].pk}).json()
    assert [m["name"] for m in themed] == ["有限责任公司设立登记"]


def test_the_guide_and_the_bundle_with_each_material_once(catalogue):
    client = APIClient()
    guide = client.get(f"/api/v1/matters/{catalogue['setup'].pk}/")
    assert guide.status_code == 200 and "public" in guide["Cache-Control"]
    assert [m["name"] for m in guide.json()["materials"]] == ["法定代表人身份证件", "公司章程"]
    bundle = client.get(f"/api/v1/bundles/{catalogue['bundle'].pk}/").json()
    assert [(m["name"], m["matter_names"]) for m in bundle["materials"]] == [
        ("法定代表人身份证件", ["有限责任公司设立登记", "公章刻制备案"]),
        ("公司章程", ["有限责任公司设立登记"]),
    ]
    assert client.get("/api/v1/matters/99999/").status_code == 404
    assert client.get("/api/v1/matters/", {"department": "x"}).status_code == 400


@pytest.fixture
def cases(catalogue):
    center = CenterFactory()
    clerk = clerk_of(center)
    citizen = UserFactory(username="citizen", kind="citizen")
    with time_machine.travel(TUESDAY, tick=False):
        case = services.case_accept(
            matter=catalogue["setup"],
            center=center,
            clerk=clerk,
            checklist={m.pk: "received" for m in catalogue["setup"].materials.all()},
            applicant_name="张三明",
            id_number="11010519491231002X",
            mobile="13700000001",
            citizen=citizen,
        )
    return {"case": case, "clerk": clerk, "citizen": citizen, "center": center}


def client_of(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user)
    return client


def test_staff_see_their_cases_with_masked_applicant_data(cases):
    with time_machine.travel(TUESDAY, tick=False):
        body = client_of(cases["clerk"]).get("/api/v1/cases/").json()
    assert [c["number"] for c in body] == [cases["case"].number]
    row = body[0]
    assert row["applicant_id_number"] == "1101**********002X" and row["applicant_mobile"].count("*") >= 4
    assert row["due_on"] == "2026-11-06" and row["days_left"] == 3 and row["light"] == "green"
    assert client_of(UserFactory(username="other")).get("/api/v1/cases/").json() == []
    stranger = client_of(UserFactory(username="stranger")).get(f"/api/v1/cases/{cases['case'].pk}/")
    assert stranger.status_code == 404


def test_actions_through_the_api_and_their_refusals(cases):
    client, case = client_of(cases["clerk"]), cases["case"]
    with time_machine.travel(TUESDAY + datetime.timedelta(days=1), tick=False):
        refused = client.post(f"/api/v1/cases/{case.pk}/conclude/", {"outcome": "refused"}, format="json")
        assert refused.status_code == 400 and "理由" in refused.json()["detail"]
        paused = client.post(f"/api/v1/cases/{case.pk}/correction/", {"items": "补交章程原件"}, format="json")
        assert paused.status_code == 200 and paused.json()["status"] == "correction" and paused.json()["paused"]
        in_correction = client.post(f"/api/v1/cases/{case.pk}/conclude/", {"outcome": "approved"}, format="json")
        assert in_correction.status_code == 400 and in_correction.json()["code"] == "case_in_correction"
        assert Case.objects.get(pk=case.pk).status == Case.Status.CORRECTION
        resumed = client.post(f"/api/v1/cases/{case.pk}/resubmit/", {}, format="json")
        assert resumed.json()["status"] == "accepted"
        done = client.post(f"/api/v1/cases/{case.pk}/conclude/", {"outcome": "approved"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "concluded"
    assert [e["kind"] for e in done.json()["events"]] == [
        "accepted",
        "correction_requested",
        "resubmitted",
        "concluded",
        "ready_for_pickup",
    ]


def test_a_department_head_approves_an_extension(cases):
    case = cases["case"]
    head = UserFactory(username="head")
    StaffMembership.objects.create(
        user=head, center=cases["center"], role=StaffRole.DEPARTMENT_HEAD, department=case.department
    )
    with time_machine.travel(TUESDAY, tick=False):
        asked = client_of(cases["clerk"]).post(
            f"/api/v1/cases/{case.pk}/extension/", {"days": 2, "reason": "需要专家评审"}, format="json"
        )
        assert asked.status_code == 200
        extension = case.extensions.get()
        denied = client_of(cases["clerk"]).post(
            f"/api/v1/extensions/{extension.pk}/decide/", {"approve": True}, format="json"
        )
        assert denied.status_code == 403
        approved = client_of(head).post(f"/api/v1/extensions/{extension.pk}/decide/", {"approve": True}, format="json")
    assert approved.status_code == 200 and approved.json()["due_on"] == "2026-11-10"


def test_the_citizen_sees_their_own_cases_and_applies_online(cases, catalogue):
    client = client_of(cases["citizen"])
    with time_machine.travel(TUESDAY, tick=False):
        mine = client.get("/api/v1/my/cases/").json()
        assert [c["number"] for c in mine] == [cases["case"].number] and mine[0]["days_left"] == 3
        submitted = client.post(
            "/api/v1/my/cases/",
            {"matter": catalogue["seal"].pk, "center": cases["center"].pk, "applicant_name": "张三明"},
            format="json",
        )
    assert submitted.status_code == 201 and submitted.json()["status"] == "submitted"
    other = client_of(UserFactory(username="neighbour", kind="citizen"))
    assert other.get(f"/api/v1/my/cases/{cases['case'].pk}/").status_code == 404
    bad = client.post(
        "/api/v1/my/cases/", {"matter": "１e3", "center": cases["center"].pk, "applicant_name": "x"}, format="json"
    )
    assert bad.status_code == 400 and "matter" in bad.json()["errors"]
    missing = client.post(
        "/api/v1/my/cases/", {"matter": 999999, "center": cases["center"].pk, "applicant_name": "x"}, format="json"
    )
    assert missing.status_code == 400 and "matter" in missing.json()["errors"]
    assert client_of(cases["clerk"]).get("/api/v1/my/cases/").status_code == 403  # staff have no citizen pages
