"""The demo catalogue (matters/demo_catalogue.py) into the database, idempotently: each row found by its natural key
and brought to the state of the tables, so a second run changes nothing. The demo hall's loader calls it with the
departments it has made and where each department sits in the hall."""

import datetime
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from centers.models import Department
from centers.workdays import work_calendar
from licenses.demo_data import person_id_number
from licenses.models import LicenseType
from licenses.services.access import license_attach_to_case
from matters import demo_catalogue as data
from matters.models import (
    Bundle,
    BundleItem,
    Case,
    CaseCorrection,
    CaseEvent,
    CaseMaterial,
    CaseType,
    Fee,
    Material,
    Matter,
    MatterType,
    OnlineDepth,
    Theme,
)
from matters.services.cases import case_clock_set, case_number_next

BASIC_CODE_RE = re.compile(r"^[0-9A-Z]{12}$")


@dataclass(frozen=True)
class DemoDepartment:
    """What the catalogue needs of a department of the demo hall."""

    department: Department
    credit_code: str  # 统一社会信用代码 of the implementing body, the head of the 实施编码
    phone: str
    location: str  # 办理地点: the hall, floor and zone


def implementation_code(credit_code: str, basic_code: str) -> str:
    """统一社会信用代码 of the implementing department + "3" + 基本编码 (31 characters)."""
    return f"{credit_code}3{basic_code}"


def demo_catalogue_errors(*, credit_codes: dict[str, str]) -> list[str]:
    """The mistakes in the demo catalogue, as messages; empty when it is consistent. `credit_codes`: department
    code → credit code, for the departments the hall has."""
    errors = []
    names = Counter(m["name"] for m in data.MATTERS)
    errors += [f"matter name {name!r} appears {n} times" for name, n in names.items() if n > 1]
    codes = Counter(
        implementation_code(credit_codes[m["department"]], m["basic_code"])
        for m in data.MATTERS
        if m["department"] in credit_codes
    )
    errors += [f"implementation code {code} appears {n} times" for code, n in codes.items() if n > 1]
    for m in data.MATTERS:
        errors += [f"{m['name']}: {problem}" for problem in _matter_problems(m, credit_codes)]
    licence_codes = {row[0] for row in data.LICENSE_TYPES}
    errors += [
        f"material {name!r}: unknown licence type {code}"
        for name, code in data.MATERIAL_LICENSES.items()
        if code not in licence_codes
    ]
    theme_codes = {row[0] for row in data.THEMES}
    errors += [f"department topic {t}: unknown theme" for t in data.DEPARTMENT_TOPICS.values() if t not in theme_codes]
    for theme, matter_names in data.LIFE_EVENTS.items():
        if theme not in theme_codes:
            errors.append(f"life event {theme}: unknown theme")
        errors += [f"life event {theme}: unknown matter {n!r}" for n in matter_names if n not in names]
    for code, _name, _text, _audience, _days, matter_names, themes in data.BUNDLES:
        errors += [f"bundle {code}: unknown matter {n!r}" for n in matter_names if n not in names]
        errors += [f"bundle {code}: unknown theme {t}" for t in themes if t not in theme_codes]
    return errors


def _matter_problems(m: dict, credit_codes: dict[str, str]) -> list[str]:
    problems = []
    if m["department"] not in credit_codes:
        problems.append(f"unknown department {m['department']}")
    if not BASIC_CODE_RE.match(m["basic_code"]):
        problems.append(f"bad basic code {m['basic_code']!r}")
    if not m["basic_code"].startswith(m["matter_type"]):
        problems.append("the basic code does not start with the matter type")
    if m["matter_type"] not in MatterType.values:
        problems.append(f"unknown matter type {m['matter_type']}")
    if m["case_type"] not in CaseType.values:
        problems.append(f"unknown case type {m['case_type']}")
    if m["case_type"] == CaseType.INSTANT and m["promised_limit_days"]:
        problems.append("an instant matter has no promised time limit")
    if m["case_type"] == CaseType.PROMISED and not m["promised_limit_days"]:
        problems.append("a promised matter needs a promised time limit")
    if m["promised_limit_days"] > m["legal_limit_days"]:
        problems.append("promised time limit exceeds the legal one")
    if m["online_depth"] == OnlineDepth.IV and m["visits"] != 0:
        problems.append("a fully online matter needs no visit")
    if not 5 <= m["mean_service_minutes"] <= 40:
        problems.append("mean service minutes out of 5-40")
    if not 2 <= len(m["materials"]) <= 5:
        problems.append(f"{len(m['materials'])} materials, expected 2 to 5")
    for name, required, condition, _form, _copies, _source in m["materials"]:
        if required == bool(condition):
            problems.append(f"material {name!r} must be required or have a condition, not both")
    return problems


class DemoCatalogueLoader:
    """Loads the catalogue; `count(label, created, n)` is told what it found and made."""

    def __init__(self, *, departments: dict[str, DemoDepartment], count: Callable[..., None]):
        self.departments = departments
        self.count = count
        self.matters: dict[str, Matter] = {}

    def load(self, *, office_hours: str, complaint_phone: str) -> dict[str, Matter]:
        licence_types = self._licence_types()
        themes = self._themes()
        for row in data.MATTERS:
            where = self.departments[row["department"]]
            fields = {k: v for k, v in row.items() if k not in {"name", "department", "materials", "fees"}}
            matter, created = Matter.objects.update_or_create(
                implementation_code=implementation_code(where.credit_code, row["basic_code"]),
                defaults={
                    **fields,
                    "name": row["name"],
                    "department": where.department,
                    "location": where.location,
                    "office_hours": office_hours,
                    "consult_phone": where.phone,
                    "complaint_phone": complaint_phone,
                    "is_active": True,
                },
            )
            self.matters[row["name"]] = matter
            self.count("matters", created)
            self._replace_materials(matter, row["materials"], licence_types)
            self._replace_fees(matter, row.get("fees", []))
            wanted = {themes[data.DEPARTMENT_TOPICS[row["department"]]]} | {
                themes[code] for code, names in data.LIFE_EVENTS.items() if row["name"] in names
            }
            if set(matter.themes.all()) != wanted:
                matter.themes.set(wanted)
        self._bundles(themes)
        return self.matters

    def _licence_types(self) -> dict[str, LicenseType]:
        found = {}
        for key, _sequence, name, body, holder, years in data.LICENSE_TYPES:
            found[key], created = LicenseType.objects.update_or_create(
                code=data.license_type_code(key),
                defaults={"name": name, "defining_body": body, "holder_kind": holder, "default_validity_years": years},
            )
            self.count("licence types", created)
        return found

    def _themes(self) -> dict[str, Theme]:
        found = {}
        for order, (code, name, kind, audience) in enumerate(data.THEMES, start=1):
            found[code], created = Theme.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "audience": audience, "sort_order": order}
            )
            self.count("themes", created)
        return found

    def _replace_materials(self, matter: Matter, rows, licence_types: dict[str, LicenseType]) -> None:
        wanted = [
            (name, required, condition, form, copies, source, order, _licence_id(name, licence_types))
            for order, (name, required, condition, form, copies, source) in enumerate(rows, start=1)
        ]
        current = list(
            matter.materials.order_by("sort_order", "id").values_list(
                "name", "is_required", "condition", "form", "copies", "source", "sort_order", "license_type_id"
            )
        )
        # Untouched when already right, so that the ids stay put on a second run.
        changed = current != wanted
        if changed:
            matter.materials.all().delete()
            Material.objects.bulk_create(
                Material(
                    matter=matter,
                    name=name,
                    is_required=required,
                    condition=condition,
                    form=form,
                    copies=copies,
                    source=source,
                    sort_order=order,
                    license_type_id=licence,
                )
                for name, required, condition, form, copies, source, order, licence in wanted
            )
        self.count("materials", changed and not current, len(wanted))

    def _replace_fees(self, matter: Matter, rows) -> None:
        wanted = [tuple(row) for row in rows]
        current = list(matter.fees.order_by("id").values_list("name", "standard", "basis", "waivable"))
        changed = current != wanted
        if changed:
            matter.fees.all().delete()
            Fee.objects.bulk_create(
                Fee(matter=matter, name=name, standard=standard, basis=basis, waivable=waivable)
                for name, standard, basis, waivable in wanted
            )
        self.count("fees", changed and not current, len(wanted))

    def _bundles(self, themes: dict[str, Theme]) -> None:
        for code, name, text, audience, days, matter_names, theme_codes in data.BUNDLES:
            bundle, created = Bundle.objects.update_or_create(
                code=code,
                defaults={"name": name, "description": text, "audience": audience, "promised_limit_days": days},
            )
            wanted = [(self.matters[n].pk, order) for order, n in enumerate(matter_names, start=1)]
            current = list(bundle.items.order_by("sort_order").values_list("matter_id", "sort_order"))
            if current != wanted:
                bundle.items.all().delete()
                BundleItem.objects.bulk_create(
                    BundleItem(bundle=bundle, matter_id=pk, sort_order=order) for pk, order in wanted
                )
            bundle.themes.set([themes[c] for c in theme_codes])
            self.count("bundles", created)


def _licence_id(material_name: str, licence_types: dict[str, LicenseType]) -> int | None:
    code = data.MATERIAL_LICENSES.get(material_name)
    return licence_types[code].pk if code else None


DEMO_APPLICANTS = ["陈静", "杨帆", "黄磊", "周敏", "吴涛", "徐丽", "孙洁", "马超", "朱琳", "胡军", "郭颖", "何平"]


def demo_applicant_id_number(name: str) -> str:
    """The demo applicant's identity card number: made up, valid, the same at every load."""
    return person_id_number(random.Random(f"demo-applicant:{name}"))


def demo_applicants() -> list[tuple[str, str]]:
    return [(name, demo_applicant_id_number(name)) for name in DEMO_APPLICANTS]


def demo_cases_load(
    *,
    center,
    clerks_by_department: dict[int, list],
    citizens: list,
    today: datetime.date,
    count: Callable[..., None],
) -> int:
    """Three weeks of cases for the demo hall, so that its statistics, lights and the big screen start from a
    working hall: most concluded (a few late, a few refused), the recent ones open, some waiting for corrections.
    Written once: a hall that has cases keeps them."""
    existing = Case.objects.filter(center=center).count()
    if existing:
        count("cases", False, existing)
        return 0
    rng = random.Random(20261203)
    calendar = work_calendar()
    days = calendar.working_days(today - datetime.timedelta(days=30), today)[-16:]
    matters = list(
        Matter.objects.filter(is_active=True, department_id__in=clerks_by_department).prefetch_related("materials")
    )
    made = 0
    for day in days:
        for _ in range(rng.randint(5, 11) if day < today else 6):
            matter = rng.choice(matters)
            _demo_case(
                rng,
                calendar,
                matter=matter,
                center=center,
                clerk=rng.choice(clerks_by_department[matter.department_id]),
                citizen=rng.choice(citizens) if citizens and rng.random() < 0.08 else None,
                day=day,
                today=today,
            )
            made += 1
    count("cases", True, made)
    return made


def _demo_checklist(case: Case, matter: Matter, *, clerk, at: datetime.datetime) -> list[CaseMaterial]:
    """The required materials, received on paper, or settled by the applicant's e-licence where they hold one (a
    use of the licence, logged at the time of acceptance as a clerk's would be)."""
    lines = []
    for material in matter.materials.all():
        if not material.is_required:
            continue
        line = CaseMaterial(case=case, material=material, name=material.name, is_required=True)
        line.state = CaseMaterial.State.RECEIVED
        if material.license_type_id:
            license = license_attach_to_case(
                user=clerk,
                holder_hash=case.applicant_id_hash,
                license_type_id=material.license_type_id,
                case_id=case.pk,
                center_id=case.center_id,
                department_id=case.department_id,
                purpose=f"受理办件 {case.number}：{material.name}",
                at=at,
            )
            if license is not None:
                line.state, line.license_reference = CaseMaterial.State.E_LICENSE, license.identifier
        lines.append(line)
    return lines


def _demo_case(rng, calendar, *, matter, center, clerk, citizen, day, today) -> Case:
    online = matter.online_depth == OnlineDepth.IV and rng.random() < 0.6
    accepted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0))) + datetime.timedelta(
        minutes=rng.randint(0, 420)
    )
    limit = matter.promised_limit_days if matter.case_type == CaseType.PROMISED else 0
    due = calendar.add(day, limit)
    applicant = citizen.get_full_name() if citizen else rng.choice(DEMO_APPLICANTS)
    case = Case(
        number=case_number_next(center, day),
        matter=matter,
        center=center,
        department_id=matter.department_id,
        channel=Case.Channel.PORTAL if online else Case.Channel.WINDOW,
        status=Case.Status.ACCEPTED,
        applicant_name=applicant,
        applicant_id_number=citizen.profile.id_number if citizen else demo_applicant_id_number(applicant),
        citizen=citizen,
        submitted_at=accepted_at,
        accepted_at=accepted_at,
        accepted_on=day,
        accepted_by=clerk,
        limit_days=limit,
        due_on=due,
        due_provisional=calendar.is_provisional(due),
        visits=0 if online else 1,
        last_visit_on=None if online else day,
        delivery=Case.Delivery.POST if online or rng.random() < 0.5 else Case.Delivery.PICKUP,
    )
    late = rng.random() < 0.06
    finish = calendar.add(due, 1) if late else calendar.add(day, rng.randint(0, limit))
    overdue = limit and rng.random() < 0.04  # still open past its due day: a red light
    if not overdue and (finish < today or (finish == today and rng.random() < 0.5)):
        refused = rng.random() < 0.05
        case.status = Case.Status.DELIVERED if finish < today and rng.random() < 0.8 else Case.Status.CONCLUDED
        case.outcome = Case.Outcome.REFUSED if refused else Case.Outcome.APPROVED
        case.refusal_reason = "申请材料不符合法定形式，经一次性告知后仍未补正。" if refused else ""
        case.concluded_at = timezone.make_aware(datetime.datetime.combine(finish, datetime.time(15, 30)))
        case.concluded_on, case.concluded_by, case.on_time = finish, clerk, finish <= due
        if case.status == Case.Status.DELIVERED:
            case.delivered_at = case.concluded_at + datetime.timedelta(hours=1)
            if case.delivery == Case.Delivery.PICKUP:
                case.count_visit(finish)
            case.tracking_number = "" if case.delivery == Case.Delivery.PICKUP else f"SF{rng.randint(10**11, 10**12)}"
        case.light = ""
    elif limit and day < today and rng.random() < 0.12:
        case.status = Case.Status.CORRECTION
    case.save()
    CaseMaterial.objects.bulk_create(_demo_checklist(case, matter, clerk=clerk, at=accepted_at))
    if case.status == Case.Status.CORRECTION:
        requested = calendar.add(day, 1) if calendar.add(day, 1) <= today else day
        CaseCorrection.objects.create(
            case=case,
            requested_at=timezone.make_aware(datetime.datetime.combine(requested, datetime.time(10, 0))),
            requested_on=requested,
            requested_by=clerk,
            items="请补充提交加盖公章的申请书原件。",
        )
    if case.is_open:
        case_clock_set(case, calendar, today=today)
        case.save()
    events = [
        CaseEvent(
            case=case, kind=CaseEvent.Kind.ACCEPTED, at=accepted_at, actor=clerk, actor_label=clerk.get_full_name()
        )
    ]
    if case.concluded_at:
        events.append(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.CONCLUDED,
                at=case.concluded_at,
                actor=clerk,
                actor_label=clerk.get_full_name(),
            )
        )
    CaseEvent.objects.bulk_create(events)
    return case
