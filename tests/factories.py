import datetime
import itertools
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.models import StaffMembership, StaffRole
from centers.models import Center, Department, Zone
from hall.identity import uscc_check_char
from licenses import identifiers
from licenses.holders import holder_hash
from licenses.models import HolderCodeType, License, LicenseStatus, LicenseType
from matters.models import CaseType, Matter, MatterType, ServiceObject, ServiceScope
from queueing.models import Device, Queue, Ticket, Window, WindowQueue
from queueing.services.devices import device_register


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "王丽"
    password = factory.django.Password("correct-horse-battery")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")


def implementation_code_for(basic_code: str, n: int = 0) -> str:
    """A well-formed 实施编码: a valid unified social credit code of an implementing body, "3", the basic code."""
    body = f"11330105{n:09d}"
    return f"{body}{uscc_check_char(body)}3{basic_code}"


def license_type_code(n: int) -> str:
    """A GB/T 36904 type code: a defining body's unified social credit code (valid) and a three-digit sequence."""
    body = f"11100000000{n % 1000000:06d}"
    return body + uscc_check_char(body) + f"{n % 1000:03d}"


class LicenseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenseType
        django_get_or_create = ("name",)

    code = factory.Sequence(license_type_code)
    name = factory.Sequence(lambda n: f"证照{n}")
    defining_body = "某部"


_license_serials = itertools.count(1)


def license_of(
    license_type: LicenseType,
    holder_code: str,
    *,
    code_type: str = HolderCodeType.ID_CARD,
    status: str = LicenseStatus.VALID,
    valid_from: datetime.date = datetime.date(2020, 1, 1),
    valid_to: datetime.date | None = datetime.date(2040, 1, 1),
    holder_name: str = "王小明",
    issuer_code: str = "11330105002500287C",
) -> License:
    """A licence of `license_type` held by `holder_code`, with a valid identifier and the holder's hash."""
    serial = next(_license_serials)
    identifier = identifiers.build(type_code=license_type.code, issuer_code=issuer_code, serial=f"T{serial:08d}")
    return License.objects.create(
        identifier=str(identifier),
        license_type=license_type,
        number=f"NO{serial:010d}",
        holder_name=holder_name,
        holder_code_type=code_type,
        holder_code=holder_code,
        holder_hash=holder_hash(code_type, holder_code),
        issuer="某区市场监督管理局",
        issuer_code=issuer_code,
        issued_on=valid_from,
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
    )


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter

    basic_code = factory.Sequence(lambda n: f"{n:012d}")
    implementation_code = factory.LazyAttributeSequence(lambda o, n: implementation_code_for(o.basic_code, n))
    name = factory.Sequence(lambda n: f"事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    matter_type = MatterType.LICENSING
    case_type = CaseType.PROMISED
    legal_limit_days = 20
    promised_limit_days = 5
    service_object = ServiceObject.BOTH
    scope = ServiceScope.CITY


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Center

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"第{n}政务服务中心")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    center = factory.SubFactory(CenterFactory)
    code = factory.Sequence(lambda n: f"Z{n}")
    name = factory.Sequence(lambda n: f"区域{n}")


PREFIX_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


class QueueFactory(factory.django.DjangoModelFactory):
    """Open all day, every day, so tests do not depend on the wall clock unless they freeze it."""

    class Meta:
        model = Queue

    center = factory.SubFactory(CenterFactory)
    zone = factory.SubFactory(ZoneFactory, center=factory.SelfAttribute("..center"))
    # One or two capital letters, as on real tickets (the column holds two).
    prefix = factory.Sequence(lambda n: PREFIX_LETTERS[n % 24] + ("" if n < 24 else PREFIX_LETTERS[(n // 24) % 24]))
    name = factory.Sequence(lambda n: f"业务{n}")
    opens_at = datetime.time(0, 0)
    closes_at = datetime.time(23, 59, 59)
    open_on_days_off = True


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    zone = factory.SubFactory(ZoneFactory, center=factory.SelfAttribute("..center"))
    number = factory.Sequence(lambda n: n + 1)
    kind = Window.Kind.SPECIALIZED

    @factory.post_generation
    def serves(self, create, extracted, **kwargs):
        """`serves=[queue, (queue, weight), …]`"""
        for item in extracted or []:
            queue, weight = item if isinstance(item, tuple) else (item, 1)
            WindowQueue.objects.create(window=self, queue=queue, weight=weight)


def clerk_of(center: Center, username: str = "clerk") -> object:
    user = UserFactory(username=username)
    StaffMembership.objects.get_or_create(user=user, center=center, role=StaffRole.CLERK)
    return user


def device_token(center: Center, *may: str, window: Window | None = None, name: str = "1号取号机") -> str:
    """Register a device of `center` that may do `may` (default: give out numbers) and return its token."""
    device = Device(center=center, name=name, capabilities=list(may or [Device.Capability.ISSUE]), window=window)
    device.full_clean(exclude=["token_prefix", "token_hash"])
    return device_register(device=device)


def device_client(token: str):
    """An API client that sends `token` as a device does."""
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


SHANGHAI = ZoneInfo("Asia/Shanghai")
_ticket_numbers = itertools.count(1)


def at(day: datetime.date, hh_mm: str) -> datetime.datetime:
    """A time of `day` in the hall's time zone, e.g. at(day, "09:30")."""
    hour, minute = map(int, hh_mm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def ticket_of_day(queue, day, issued, *, called=None, finished=None, status=None, **fields) -> Ticket:
    """A ticket of an earlier (or any) day as the history holds it, written directly rather than lived through."""
    sequence = next(_ticket_numbers)
    if status is None:
        status = Ticket.Status.FINISHED if finished else Ticket.Status.WAITING
    return Ticket.objects.create(
        center=queue.center,
        queue=queue,
        service_date=day,
        sequence=sequence,
        number=f"{queue.prefix}{sequence:03d}",
        channel=Ticket.Channel.KIOSK,
        status=status,
        issued_at=at(day, issued),
        queued_at=at(day, issued),
        first_called_at=at(day, called) if called else None,
        called_at=at(day, called) if called else None,
        finished_at=at(day, finished) if finished else None,
        **fields,
    )
