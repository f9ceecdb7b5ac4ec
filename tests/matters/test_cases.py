"""A case from acceptance to delivery, with its checklist, 补正, extension and supervision light, on frozen days."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import StaffMembership, StaffRole
from centers.models import WorkdayOverride
from centers.services import calendar_year_confirm, workday_override_save
from hall.errors import Conflict, DomainError, NotAllowed
from hall.models import AuditEntry
from hall.notifications.models import Notification
from licenses.models import LicenseAccess
from matters import services
from matters.models import Case, CaseEvent, CaseMaterial, CaseType, Material
from tests.factories import CenterFactory, LicenseTypeFactory, MatterFactory, UserFactory, clerk_of, license_of

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
APPLICANT = {"applicant_name": "张三明", "id_number": "11010519491231002X", "mobile": "13700000001"}


def on(day: str, hh_mm: str = "10:00"):
    moment = datetime.datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def center():
    return CenterFactory()


@pytest.fixture
def matter():
    matter = MatterFactory(
        name="食品经营许可证核发", case_type=CaseType.PROMISED, legal_limit_days=20, promised_limit_days=5
    )
    licence = LicenseTypeFactory(name="营业执照")
    Material.objects.create(matter=matter, name="申请书", is_required=True, sort_order=1)
    Material.objects.create(matter=matter, name="营业执照", is_required=True, license_type=licence, sort_order=2)
    Material.objects.create(matter=matter, name="授权委托书", is_required=False, condition="委托办理的", sort_order=3)
    return matter


@pytest.fixture
def clerk(center):
    return clerk_of(center)


@pytest.fixture
def head(center, matter):
    user = UserFactory(username="head", mobile="13900000002")
    StaffMembership.objects.create(
        user=user, center=center, role=StaffRole.DEPARTMENT_HEAD, department=matter.department
    )
    return user


def checklist(matter, **states):
    """Material id → state, by the material's name ("申请书" → "received"); unnamed ones are received."""
    by_name = {m.name: m.pk for m in matter.materials.all()}
    result = {pk: CaseMaterial.State.RECEIVED for pk in by_name.values()}
    result[by_name["授权委托书"]] = CaseMaterial.State.NOT_NEEDED
    result.update({by_name[name]: state for name, state in states.items()})
    return result


def accept(matter, center, clerk, **overrides):
    fields = {"matter": matter, "center": center, "clerk": clerk, "checklist": checklist(matter), **APPLICANT}
    return services.case_accept(**{**fields, **overrides})


def business_licence_of_applicant(matter, **fields):
    licence_type = matter.materials.get(name="营业执照").license_type
    return license_of(licence_type, APPLICANT["id_number"], **fields)


def test_accepting_records_the_checklist_the_clock_and_the_event(matter, center, clerk):
    licence = business_licence_of_applicant(matter)
    with on("2026-09-30"):
        case = accept(matter, center, clerk, checklist=checklist(matter, 营业执照="e_license"))
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and case.due_on == datetime.date(2026, 10, 13)
    assert case.light == "green" and case.visits == 1 and case.number.startswith("BJ20260930")
    assert {m.name: m.state for m in case.materials.all()} == {
        "申请书": "received",
        "营业执照": "e_license",
        "授权委托书": "not_needed",
    }
    assert case.applicant_id_number == "11010519491231002X"  # readable in Python, encrypted in the table
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.ACCEPTED and event.actor == clerk
    # The licence is attached by reference, and the use is logged with the case as its purpose.
    assert case.materials.get(name="营业执照").license_reference == licence.identifier
    use = LicenseAccess.objects.get()
    assert (use.kind, use.license, use.context_kind, use.context_id) == ("attach", licence, "case", case.pk)
    assert case.number in use.purpose and use.user == clerk


@pytest.mark.parametrize("licence", [None, "revoked", "expired"])
def test_an_e_licence_the_applicant_does_not_validly_hold_is_refused(matter, center, clerk, licence):
    if licence == "revoked":
        business_licence_of_applicant(matter, status="revoked")
    if licence == "expired":
        business_licence_of_applicant(matter, valid_to=datetime.date(2026, 9, 1))
    with on("2026-09-30"), pytest.raises(DomainError) as refused:
        accept(matter, center, clerk, checklist=checklist(matter, 营业执照="e_license"))
    assert "营业执照" in str(refused.value.message) and refused.value.code == "no_e_license"
    assert not Case.objects.exists() and not CaseMaterial.objects.exists() and not LicenseAccess.objects.exists()


def test_a_missing_required_material_needs_a_reason_and_nothing_is_written_without_one(matter, center, clerk):
    with pytest.raises(DomainError) as refused:
        accept(matter, center, clerk, checklist=checklist(matter, 申请书="missing"), missing_reason="  \u200b ")
    assert "申请书" in str(refused.value.message)
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0
    case = accept(
        matter, center, clerk, checklist=checklist(matter, 申请书="missing"), missing_reason="申请人承诺三日内补交"
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CASE_MATERIAL_OVERRIDE)
    assert entry.target_id == str(case.pk) and entry.detail["missing"] == ["申请书"]
    assert case.missing_material_reason == "申请人承诺三日内补交"


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ({"申请书": "e_license"}, "电子证照"),  # this material has no licence type
        ({"营业执照": "not_needed"}, "必需"),  # a required material is always needed
        ({"申请书": "lost"}, ""),
    ],
)
def test_an_impossible_checklist_is_refused(matter, center, clerk, states, message, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with pytest.raises(DomainError):
        accept(matter, center, clerk, checklist=checklist(matter, **states))
    assert Case.objects.count() == 0


def test_someone_without_a_role_at_the_centre_cannot_accept(matter, center):
    with pytest.raises(NotAllowed):
        accept(matter, center, UserFactory(username="passer-by"))
    assert Case.objects.count() == 0


def test_correction_pauses_and_resubmission_restarts_the_clock(matter, center, clerk):
    with on("2026-11-02"):
        case = accept(matter, center, clerk)  # 5 working days: due 11-09
    assert case.due_on == datetime.date(2026, 11, 9)
    with on("2026-11-05"):
        case = services.case_request_correction(case=case, clerk=clerk, items="补交租赁合同原件")
    assert case.status == Case.Status.CORRECTION and case.due_on is None and case.days_left_when_paused == 3
    sms = Notification.objects.get(template="case_correction")
    assert "补交租赁合同原件" in sms.text and case.number in sms.text
    with on("2026-11-10"), pytest.raises(DomainError) as refused:
        services.case_conclude(case=case, clerk=clerk, outcome="approved")
    assert refused.value.code == "case_in_correction"
    case.refresh_from_db()
    assert case.status == Case.Status.CORRECTION and case.concluded_at is None
    with on("2026-11-10"):
        case = services.case_resubmit(case=case, actor=clerk)
    # 11-03 and 11-04 used; from 11-11: 11-11, 11-12, 11-13.
    assert case.status == Case.Status.ACCEPTED and case.due_on == datetime.date(2026, 11, 13) and case.visits == 2


def test_an_instant_case_has_no_correction_and_is_due_today(center, clerk):
    matter = MatterFactory(case_type=CaseType.INSTANT, promised_limit_days=0, legal_limit_days=0)
    with on("2026-11-04"):
        case = services.case_accept(matter=matter, center=center, clerk=clerk, checklist={}, **APPLICANT)
        assert case.due_on == datetime.date(2026, 11, 4)
        with pytest.raises(DomainError):
            services.case_request_correction(case=case, clerk=clerk, items="补交")
        case = services.case_conclude(case=case, clerk=clerk, outcome="approved")
    assert case.on_time is True


def test_an_extension_counts_once_approved_by_the_department_head(matter, center, clerk, head):
    with on("2026-09-30"):
        case = accept(matter, center, clerk)
    with on("2026-10-09"):
        extension = services.case_extension_request(case=case, clerk=clerk, days=3, reason="需现场核查")
        with pytest.raises(Conflict):
            services.case_extension_request(case=case, clerk=clerk, days=2, reason="再次申请")
        with pytest.raises(NotAllowed):
            services.case_extension_decide(extension=extension, approver=clerk, approve=True)
        case = services.case_extension_decide(extension=extension, approver=head, approve=True)
    assert case.extension_days == 3 and case.due_on == datetime.date(2026, 10, 16)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_EXTENSION_DECIDED).count() == 1


def test_refusing_needs_a_reason_and_conclusion_records_on_time(matter, center, clerk):
    with on("2026-09-30"):
        case = accept(matter, center, clerk)
    with on("2026-10-14"):
        with pytest.raises(DomainError):
            services.case_conclude(case=case, clerk=clerk, outcome="refused", reason="\u202e")
        case = services.case_conclude(case=case, clerk=clerk, outcome="refused", reason="经营场所不符合要求")
    assert case.status == Case.Status.CONCLUDED and case.on_time is False  # due 10-13
    assert list(case.events.values_list("kind", flat=True)) == ["accepted", "concluded", "ready_for_pickup"]


def test_pickup_and_post_delivery_and_the_visits_they_cost(matter, center, clerk):
    with on("2026-09-30"):
        picked = accept(matter, center, clerk)
        posted = accept(matter, center, clerk, delivery="post", post_address="示范区人民路1号")
        same_day = accept(matter, center, clerk)
        for case in (picked, posted, same_day):
            services.case_conclude(case=case, clerk=clerk, outcome="approved")
        same_day = services.case_deliver(case=same_day, clerk=clerk)  # handed over on the visit it was accepted
        with pytest.raises(DomainError):
            services.case_deliver(case=posted, clerk=clerk)  # no tracking number
        posted = services.case_deliver(case=posted, clerk=clerk, tracking_number="SF1234567890")
    with on("2026-10-08"):
        picked = services.case_deliver(case=picked, clerk=clerk)  # a second trip to the hall
    assert picked.status == posted.status == same_day.status == Case.Status.DELIVERED
    assert (picked.visits, posted.visits, same_day.visits) == (2, 1, 1)


def test_an_online_application_is_accepted_or_declined(matter, center, clerk):
    citizen = UserFactory(username="citizen")
    with on("2026-09-30"):
        submitted = services.case_submit(matter=matter, center=center, citizen=citizen, **APPLICANT)
        other = services.case_submit(matter=matter, center=center, citizen=citizen, **APPLICANT)
        assert submitted.status == Case.Status.SUBMITTED and submitted.visits == 0
        case = services.case_accept(case=submitted, clerk=clerk, checklist=checklist(matter), at_window=False)
        declined = services.case_decline(case=other, clerk=clerk, reason="不属于本中心受理范围")
    assert case.status == Case.Status.ACCEPTED and case.visits == 0 and case.due_on == datetime.date(2026, 10, 13)
    assert declined.status == Case.Status.DECLINED
    with pytest.raises(Conflict):
        services.case_decline(case=case, clerk=clerk, reason="重复")


def test_the_light_turns_yellow_then_red_and_the_head_is_told_once_each(matter, center, clerk, head):
    with on("2026-09-30"):
        case = accept(matter, center, clerk)  # due 10-13
    for day, colour in [
        ("2026-10-09", "green"),
        ("2026-10-12", "yellow"),
        ("2026-10-13", "yellow"),
        ("2026-10-14", "red"),
    ]:
        with on(day):
            services.cases_supervise()
            services.cases_supervise()  # a rerun changes nothing and tells nobody again
        case.refresh_from_db()
        assert case.light == colour, day
    texts = list(Notification.objects.filter(template="case_light").order_by("pk").values_list("text", flat=True))
    assert len(texts) == 2
    assert "已亮黄灯" in texts[0] and "剩余1个工作日" in texts[0]
    assert "已亮红灯" in texts[1] and "已超期1个工作日" in texts[1]
    changes = case.events.filter(kind=CaseEvent.Kind.LIGHT_CHANGED)
    assert [e.data["light"] for e in changes] == ["yellow", "red"]


def test_confirming_the_next_year_recounts_the_open_deadlines_and_says_which_moved(matter, center, clerk):
    matter.promised_limit_days = 20
    matter.save()
    with on("2026-12-21"):
        case = accept(matter, center, clerk)
        untouched = accept(matter.__class__.objects.get(pk=matter.pk), center, clerk)
        services.case_conclude(case=untouched, clerk=clerk, outcome="approved")
    assert case.due_provisional and case.due_on.year == 2027
    before = case.due_on
    # The 2027 schedule makes a day before the due date a holiday: the deadline moves one working day later.
    workday_override_save(override=WorkdayOverride(day=datetime.date(2027, 1, 4), is_working_day=False, note="元旦"))
    case.refresh_from_db()
    assert case.due_on > before and case.due_provisional
    effects = calendar_year_confirm(year=2027)
    case.refresh_from_db()
    assert effects == [] and not case.due_provisional  # same date, now confirmed
    assert case.events.filter(kind=CaseEvent.Kind.DEADLINE_MOVED).get().data == {
        "before": str(before),
        "after": str(case.due_on),
    }
