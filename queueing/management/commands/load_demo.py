"""`manage.py load_demo`: load the demo hall of `queueing.demo_data`, idempotently.

Every row is found by its natural key and brought to the state of the tables, in one transaction, so
running the command again leaves the database as it was. Runtime state is left alone on existing rows:
a window's state and a queue's `is_accepting` are only set when the row is created.
"""

import datetime
import re
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import CitizenProfile, StaffMembership
from centers.models import Center, Department, Zone
from hall import identity
from matters.models import CaseType, Fee, Material, Matter, MatterType, OnlineDepth
from queueing import services
from queueing.management import demo_data as data
from queueing.models import Queue, Window, WindowQueue

BASIC_CODE_RE = re.compile(r"^[0-9A-Z]{12}$")


def implementation_code(department: dict, basic_code: str) -> str:
    """统一社会信用代码 of the implementing department + "3" + 基本编码 (31 characters)."""
    return f"{department['credit_code']}3{basic_code}"


def check_tables() -> list[str]:
    """The mistakes in the demo tables, as messages; empty when they are consistent."""
    errors = []
    departments = {d["code"]: d for d in data.DEPARTMENTS}
    zones = {(center, code) for center, code, _name, _floor in data.ZONES}
    names = Counter(m["name"] for m in data.MATTERS)
    errors += [f"matter name {name!r} appears {n} times" for name, n in names.items() if n > 1]
    codes = Counter(
        implementation_code(departments[m["department"]], m["basic_code"])
        for m in data.MATTERS
        if m["department"] in departments
    )
    errors += [f"implementation code {code} appears {n} times" for code, n in codes.items() if n > 1]
    for m in data.MATTERS:
        where = m["name"]
        if m["department"] not in departments:
            errors.append(f"{where}: unknown department {m['department']}")
        if not BASIC_CODE_RE.match(m["basic_code"]):
            errors.append(f"{where}: bad basic code {m['basic_code']!r}")
        if not m["basic_code"].startswith(m["matter_type"]):
            errors.append(f"{where}: the basic code does not start with the matter type")
        if m["matter_type"] not in MatterType.values:
            errors.append(f"{where}: unknown matter type {m['matter_type']}")
        if m["case_type"] not in CaseType.values:
            errors.append(f"{where}: unknown case type {m['case_type']}")
        if m["case_type"] == CaseType.INSTANT and m["promised_limit_days"]:
            errors.append(f"{where}: an instant matter has no promised time limit")
        if m["case_type"] == CaseType.PROMISED and not m["promised_limit_days"]:
            errors.append(f"{where}: a promised matter needs a promised time limit")
        if m["promised_limit_days"] > m["legal_limit_days"]:
            errors.append(f"{where}: promised time limit exceeds the legal one")
        if m["online_depth"] == OnlineDepth.IV and m["visits"] != 0:
            errors.append(f"{where}: a fully online matter needs no visit")
        if not 5 <= m["mean_service_minutes"] <= 40:
            errors.append(f"{where}: mean service minutes out of 5-40")
        if not 2 <= len(m["materials"]) <= 5:
            errors.append(f"{where}: {len(m['materials'])} materials, expected 2 to 5")
        for name, required, condition, _form, _copies, _source in m["materials"]:
            if required == bool(condition):
                errors.append(f"{where}: material {name!r} must be required or have a condition, not both")
    queued = set()
    prefixes = Counter((q["center"], q["prefix"]) for q in data.QUEUES)
    errors += [f"queue {key} appears {n} times" for key, n in prefixes.items() if n > 1]
    for q in data.QUEUES:
        if (q["center"], q["zone"]) not in zones:
            errors.append(f"queue {q['prefix']}: unknown zone {q['zone']}")
        for name in q["matters"]:
            if name not in names:
                errors.append(f"queue {q['prefix']}: unknown matter {name!r}")
        if q["center"] == data.DEMO_CENTER_CODE:
            queued.update(m["name"] for m in data.MATTERS if m["department"] in q["departments"])
            queued.update(q["matters"])
    errors += [f"{m['name']}: in no queue of {data.DEMO_CENTER_CODE}" for m in data.MATTERS if m["name"] not in queued]
    numbers = Counter((w[0], w[1]) for w in data.WINDOWS)
    errors += [f"window {key} appears {n} times" for key, n in numbers.items() if n > 1]
    for center, number, zone, _name, kind, department, links in data.WINDOWS:
        if (center, zone) not in zones:
            errors.append(f"window {center} {number}: unknown zone {zone}")
        if department is not None and department not in departments:
            errors.append(f"window {center} {number}: unknown department {department}")
        if kind == Window.Kind.SPECIALIZED and department is None:
            errors.append(f"window {center} {number}: a specialized window needs a department")
        if kind != Window.Kind.GENERAL and not links:
            errors.append(f"window {center} {number}: serves no queue")
        for prefix in links:
            if (center, prefix) not in prefixes:
                errors.append(f"window {center} {number}: unknown queue {prefix}")
    return errors


class Command(BaseCommand):
    help = "Load the demo hall (示范区政务服务中心): centres, departments, matters, queues, windows and staff."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, **options):
        errors = check_tables()
        if errors:
            raise CommandError("The demo tables are inconsistent:\n  " + "\n  ".join(errors))
        with transaction.atomic():
            counts = Loader().load()
        if options["quiet"] or options["verbosity"] < 1:
            return
        self.stdout.write(f"Demo hall loaded ({data.DEMO_CENTER_CODE}):")
        for label, (total, created) in counts.items():
            self.stdout.write(f"  {label:<12} {total:>4}  ({created} new)")
        self.stdout.write(f"Logins (password {data.DEMO_PASSWORD}):")
        for role, username in data.DEMO_LOGINS:
            self.stdout.write(f"  {username:<15} {role}")


class Loader:
    def __init__(self):
        # label -> [rows in the tables, rows created by this run]
        self.counts: dict[str, list[int]] = {}
        self.centers: dict[str, Center] = {}
        self.zones: dict[tuple[str, str], Zone] = {}
        self.departments: dict[str, Department] = {}
        self.matters: dict[str, Matter] = {}
        self.queues: dict[tuple[str, str], Queue] = {}
        self._password_ok: dict[str, bool] = {}
        self._password_hash = ""

    def _count(self, label: str, created: bool, n: int = 1):
        row = self.counts.setdefault(label, [0, 0])
        row[0] += n
        if created:
            row[1] += n

    def load(self) -> dict[str, tuple[int, int]]:
        self.load_centers()
        self.load_departments()
        self.load_matters()
        self.load_queues()
        self.load_windows()
        self.load_users()
        self.load_citizens()
        self.load_slots()
        return {label: (total, created) for label, (total, created) in self.counts.items()}

    def load_centers(self):
        for row in data.CENTERS:
            center, created = Center.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "level": row["level"],
                    "parent": self.centers[row["parent"]] if row["parent"] else None,
                    "address": row["address"],
                },
            )
            self.centers[row["code"]] = center
            self._count("centres", created)
        sort_orders = Counter()
        for center_code, code, name, floor in data.ZONES:
            sort_orders[center_code] += 10
            zone, created = Zone.objects.update_or_create(
                center=self.centers[center_code],
                code=code,
                defaults={"name": name, "floor": floor, "sort_order": sort_orders[center_code]},
            )
            self.zones[center_code, code] = zone
            self._count("zones", created)

    def load_departments(self):
        for row in data.DEPARTMENTS:
            department, created = Department.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "short_name": row["short_name"], "phone": row["phone"]},
            )
            self.departments[row["code"]] = department
            self._count("departments", created)

    def load_matters(self):
        hall = self.centers[data.DEMO_CENTER_CODE]
        department_rows = {row["code"]: row for row in data.DEPARTMENTS}
        for row in data.MATTERS:
            department_row = department_rows[row["department"]]
            zone = self.zones[data.DEMO_CENTER_CODE, department_row["zone"]]
            fields = {
                key: value for key, value in row.items() if key not in {"name", "department", "materials", "fees"}
            }
            matter, created = Matter.objects.update_or_create(
                implementation_code=implementation_code(department_row, row["basic_code"]),
                defaults={
                    **fields,
                    "name": row["name"],
                    "department": self.departments[row["department"]],
                    "location": f"{hall.name}{data.FLOOR_LABELS[zone.floor]}{zone.name}区",
                    "office_hours": data.OFFICE_HOURS,
                    "consult_phone": department_row["phone"],
                    "complaint_phone": data.COMPLAINT_PHONE,
                    "is_active": True,
                },
            )
            self.matters[row["name"]] = matter
            self._count("matters", created)
            self.replace_materials(matter, row["materials"])
            self.replace_fees(matter, row.get("fees", []))

    def replace_materials(self, matter: Matter, rows):
        wanted = [
            (name, required, condition, form, copies, source, order)
            for order, (name, required, condition, form, copies, source) in enumerate(rows, start=1)
        ]
        current = list(
            matter.materials.order_by("sort_order", "id").values_list(
                "name", "is_required", "condition", "form", "copies", "source", "sort_order"
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
                )
                for name, required, condition, form, copies, source, order in wanted
            )
        self._count("materials", changed and not current, len(wanted))

    def replace_fees(self, matter: Matter, rows):
        wanted = [tuple(row) for row in rows]
        current = list(matter.fees.order_by("id").values_list("name", "standard", "basis", "waivable"))
        changed = current != wanted
        if changed:
            matter.fees.all().delete()
            Fee.objects.bulk_create(
                Fee(matter=matter, name=name, standard=standard, basis=basis, waivable=waivable)
                for name, standard, basis, waivable in wanted
            )
        self._count("fees", changed and not current, len(wanted))

    def load_queues(self):
        sort_orders = Counter()
        for row in data.QUEUES:
            center = self.centers[row["center"]]
            sort_orders[row["center"]] += 10
            defaults = {
                "zone": self.zones[row["center"], row["zone"]],
                "name": row["name"],
                "opens_at": data.OPENS_AT,
                "closes_at": data.CLOSES_AT,
                "daily_cap": row["daily_cap"],
                "mean_service_minutes": row["mean_service_minutes"],
                "sort_order": sort_orders[row["center"]],
            }
            queue, created = Queue.objects.update_or_create(
                center=center,
                prefix=row["prefix"],
                defaults=defaults,
                create_defaults={**defaults, "is_accepting": True},
            )
            matters = [m for m in data.MATTERS if m["department"] in row["departments"]]
            names = [m["name"] for m in matters] + [n for n in row["matters"] if n not in {m["name"] for m in matters}]
            queue.matters.set([self.matters[name] for name in names])
            self.queues[row["center"], row["prefix"]] = queue
            self._count("queues", created)

    def load_windows(self):
        for center_code, number, zone_code, name, kind, department_code, links in data.WINDOWS:
            defaults = {
                "zone": self.zones[center_code, zone_code],
                "name": name,
                "kind": kind,
                "department": self.departments[department_code] if department_code else None,
            }
            window, created = Window.objects.update_or_create(
                center=self.centers[center_code],
                number=number,
                defaults=defaults,
                create_defaults={**defaults, "state": Window.State.CLOSED, "pause_reason": ""},
            )
            self._count("windows", created)
            if kind == Window.Kind.GENERAL:
                links = {prefix: 1 for center, prefix in self.queues if center == center_code}
            wanted = {self.queues[center_code, prefix].pk: weight for prefix, weight in links.items()}
            WindowQueue.objects.filter(window=window).exclude(queue_id__in=wanted).delete()
            for queue_id, weight in wanted.items():
                WindowQueue.objects.update_or_create(window=window, queue_id=queue_id, defaults={"weight": weight})

    def load_users(self):
        user_model = get_user_model()
        for username, first_name, is_staff, is_superuser, memberships in data.USERS:
            user, created = user_model.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": "",
                    "email": f"{username}@demo.example.cn",
                    "is_staff": is_staff,
                    "is_superuser": is_superuser,
                    "is_active": True,
                },
            )
            self.set_demo_password(user)
            self._count("users", created)
            for center_code, role, department_code in memberships:
                _membership, created = StaffMembership.objects.update_or_create(
                    user=user,
                    center=self.centers[center_code],
                    role=role,
                    defaults={"department": self.departments[department_code] if department_code else None},
                )
                self._count("memberships", created)

    def load_citizens(self):
        for username, mobile, real_name, id_first17 in data.CITIZENS:
            user = get_user_model().objects.get(username=username)
            if user.kind != "citizen" or user.mobile != mobile:
                user.kind, user.mobile = "citizen", mobile
                user.save(update_fields=["kind", "mobile", "mobile_hash"])
            id_number = id_first17 + identity.id_number_check_char(id_first17)
            profile = CitizenProfile.objects.filter(user=user).first()
            if profile is None or profile.real_name != real_name or profile.id_number != id_number:
                CitizenProfile.objects.update_or_create(
                    user=user, defaults={"real_name": real_name, "id_number": id_number}
                )
                self._count("citizen profiles", profile is None)

    def load_slots(self):
        """Bookable times for the coming working days: 30-minute slots of 4 places, mornings and afternoons."""
        today = timezone.localdate()
        days = [today + datetime.timedelta(days=n) for n in range(8)]
        queues = Queue.objects.filter(center__code=data.DEMO_CENTER_CODE, matters__supports_appointment=True).distinct()
        for queue in queues:
            for day in (d for d in days if d.weekday() < 5):
                for first, last in (
                    (datetime.time(9), datetime.time(11, 30)),
                    (datetime.time(14), datetime.time(16, 30)),
                ):
                    slots = services.appointment_slots_create(
                        queue=queue, date=day, first=first, last=last, minutes=30, places=4
                    )
                    self._count("appointment slots", False, len(slots))

    def set_demo_password(self, user):
        """Give the user the demo password unless it already has it.

        Hashing is slow on purpose, so each distinct stored hash is checked once and every user who needs the
        password gets the same hash: after the first run a second run checks a single hash.
        """
        ok = self._password_ok.get(user.password)
        if ok is None:
            ok = bool(user.password) and check_password(data.DEMO_PASSWORD, user.password)
            self._password_ok[user.password] = ok
        if not ok:
            if not self._password_hash:
                self._password_hash = make_password(data.DEMO_PASSWORD)
                self._password_ok[self._password_hash] = True
            user.password = self._password_hash
            user.save(update_fields=["password"])
