"""`manage.py load_demo`: load the demo hall of `queueing.demo_data`, idempotently.

Every row is found by its natural key and brought to the state of the tables, in one transaction, so
running the command again leaves the database as it was. Runtime state is left alone on existing rows:
a window's state and a queue's `is_accepting` are only set when the row is created.
"""

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import CitizenProfile, PrivacyConsent, StaffMembership
from accounts.privacy import PRIVACY_NOTICE_VERSION
from centers.models import Center, Department, Zone
from hall import identity
from licenses.services.demo import demo_licenses_load
from matters.demo_catalogue import MATTERS
from matters.models import Matter
from matters.services.demo import (
    DemoCatalogueLoader,
    DemoDepartment,
    demo_applicants,
    demo_cases_load,
    demo_catalogue_errors,
)
from queueing import services
from queueing.management import demo_data as data
from queueing.management.demo_traffic import DEMO_OPEN_DAY_NOTE, Played, play_morning
from queueing.models import Queue, Window, WindowQueue


def check_tables() -> list[str]:
    """The mistakes in the demo tables, as messages; empty when they are consistent."""
    departments = {d["code"]: d for d in data.DEPARTMENTS}
    errors = demo_catalogue_errors(credit_codes={code: d["credit_code"] for code, d in departments.items()})
    zones = {(center, code) for center, code, _name, _floor in data.ZONES}
    names = {m["name"] for m in MATTERS}
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
            queued.update(m["name"] for m in MATTERS if m["department"] in q["departments"])
            queued.update(q["matters"])
    errors += [f"{m['name']}: in no queue of {data.DEMO_CENTER_CODE}" for m in MATTERS if m["name"] not in queued]
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
        parser.add_argument(
            "--no-traffic", action="store_true", help="Do not play a morning of traffic in the demo centre today."
        )

    def handle(self, *args, **options):
        errors = check_tables()
        if errors:
            raise CommandError("The demo tables are inconsistent:\n  " + "\n  ".join(errors))
        with transaction.atomic():
            counts = Loader().load()
        center = Center.objects.get(code=data.DEMO_CENTER_CODE)
        played = Played() if options["no_traffic"] else play_morning(center=center)
        if options["quiet"] or options["verbosity"] < 1:
            return
        self.stdout.write(f"Demo hall loaded ({data.DEMO_CENTER_CODE}):")
        for label, (total, created) in counts.items():
            self.stdout.write(f"  {label:<12} {total:>4}  ({created} new)")
        if played.opened_day_off:
            self.stdout.write(
                "Today is a day off: the demo opened it as a working day "
                f"(working-day override “{DEMO_OPEN_DAY_NOTE}”; delete it in the admin to close the day again)."
            )
        if played.counts:
            happened = ", ".join(f"{n} {what}" for what, n in played.counts.items())
            self.stdout.write(f"Today's morning played: {happened}")
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
        self.load_licences()
        self.load_slots()
        self.load_cases()
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
        departments = {}
        for row in data.DEPARTMENTS:
            zone = self.zones[data.DEMO_CENTER_CODE, row["zone"]]
            departments[row["code"]] = DemoDepartment(
                department=self.departments[row["code"]],
                credit_code=row["credit_code"],
                phone=row["phone"],
                location=f"{hall.name}{data.FLOOR_LABELS[zone.floor]}{zone.name}区",
            )
        loader = DemoCatalogueLoader(departments=departments, count=self._count)
        self.matters = loader.load(office_hours=data.OFFICE_HOURS, complaint_phone=data.COMPLAINT_PHONE)

    def load_cases(self):
        hall = self.centers[data.DEMO_CENTER_CODE]
        clerks: dict[int, list] = {}
        for membership in StaffMembership.objects.filter(center=hall, role="clerk", department__isnull=False):
            clerks.setdefault(membership.department_id, []).append(membership.user)
        citizens = list(get_user_model().objects.filter(username__in=[row[0] for row in data.CITIZENS]))
        demo_cases_load(
            center=hall, clerks_by_department=clerks, citizens=citizens, today=timezone.localdate(), count=self._count
        )

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
                "break_starts_at": data.BREAK_STARTS_AT,
                "break_ends_at": data.BREAK_ENDS_AT,
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
            matters = [m for m in MATTERS if m["department"] in row["departments"]]
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
        for index, (username, first_name, is_staff, is_superuser, memberships) in enumerate(data.USERS, start=1):
            user, created = user_model.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "staff_number": f"ZW{index:04d}",  # shown by the evaluator at the clerk's window
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
            # The demo citizens registered as anybody does: agreeing to the privacy notice in force.
            PrivacyConsent.objects.get_or_create(
                user=user,
                version=PRIVACY_NOTICE_VERSION,
                defaults={"given_at": timezone.now(), "channel": PrivacyConsent.Channel.REGISTRATION},
            )

    def load_licences(self):
        """E-licences of the demo citizens and of the demo's other applicants: the portal's "my licences", the
        checklists' e-licences and the expiry reminders have something to show."""
        citizens = CitizenProfile.objects.filter(user__username__in=[row[0] for row in data.CITIZENS])
        holders = [(profile.real_name, profile.id_number) for profile in citizens.order_by("user__username")]
        demo_licenses_load(holders=holders + demo_applicants(), today=timezone.localdate(), count=self._count)

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
